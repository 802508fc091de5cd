import SpecCompiler

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under /tmp, removed (with its files) when the value is released.
final class TemporaryDirectory {
    let path: String

    struct Failure: Error {}

    init() throws {
        var template = Array("/tmp/torghut-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure() }
        self.path = String(cString: made)
    }

    deinit {
        _ = system("rm -rf '\(self.path)'")
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = FileSystem.join(self.path, name)
        _ = FileSystem.write(path, Array(text.utf8))
        return path
    }
}
