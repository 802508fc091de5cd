import SpecCompiler

/// Paths of the repository and its fixtures, from this file's location.
enum TestPaths {
    static let repository: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static func fixture(_ relative: String) -> String { FileSystem.join(repository, "Tests/Fixtures/" + relative) }
}
