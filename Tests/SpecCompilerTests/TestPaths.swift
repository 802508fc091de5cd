import Testing

/// Paths of the repository, found from this file so tests do not depend on the working directory.
enum TestPaths {
    /// The package root (the folder holding Package.swift).
    static let root: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)  // Tests/SpecCompilerTests/TestPaths.swift
        return components.joined(separator: "/")
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// `TORGHUT_RECORD_SNAPSHOTS=1` rewrites snapshots; the run then fails so the diff gets reviewed.
    static var recording: Bool {
        guard let value = getenv("TORGHUT_RECORD_SNAPSHOTS") else { return false }
        return String(cString: value) == "1"
    }
}

#if canImport(Glibc)
import Glibc
#endif
