#if canImport(Glibc)
import Glibc
import SpecModel

private let systemRead = Glibc.read
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
import SpecModel

private let systemRead = Darwin.read
private let systemWrite = Darwin.write
#endif

/// Minimal POSIX file access. Foundation is avoided on purpose: loading it costs start-up time that `validate`'s
/// 100 ms budget cannot spare (TRAPS: ICU).
public enum FileSystem {
    public enum EntryType: Sendable {
        case file
        case directory
        case other
        case missing
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(self.path): \(self.reason)" }

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public static func type(of path: String) -> EntryType {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// Whether two paths name the same existing file (the same device and inode), however each is spelt: `X`,
    /// `./X`, a link to it. False when either does not exist.
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        var first = stat()
        var second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    /// True for a symbolic link (not followed). Tree walks skip linked directories so a link loop cannot recurse.
    public static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
    }

    /// Reads at most `limit + 1` bytes, so an oversized file is detected without reading all of it.
    public static func read(_ path: String, limit: Int) -> Result<[UInt8], Failure> {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return .failure(Failure(path: path, reason: Self.lastError())) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(path: path, reason: Self.lastError()))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .success(bytes)
    }

    /// Names in a directory, without `.` and `..`, in byte order.
    public static func list(_ path: String) -> Result<[String], Failure> {
        guard let directory = opendir(path) else { return .failure(Failure(path: path, reason: Self.lastError())) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names.sorted { $0.utf8Precedes($1) })
    }

    public static func write(_ path: String, _ bytes: [UInt8]) -> Result<Void, Failure> {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return .failure(Failure(path: path, reason: Self.lastError())) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(path: path, reason: Self.lastError()))
            }
            offset += written
        }
        return .success(())
    }

    /// Creates `path` and any missing parents (like `mkdir -p`).
    public static func makeDirectories(_ path: String) -> Result<Void, Failure> {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if Self.type(of: current) == .directory { continue }
            if mkdir(current, 0o755) != 0, Self.type(of: current) != .directory {
                return .failure(Failure(path: current, reason: Self.lastError()))
            }
        }
        return .success(())
    }

    public static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
