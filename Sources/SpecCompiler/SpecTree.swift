import SpecModel

/// Every spec document found under the given paths, the files they came from (for rendering diagnostics), and all
/// diagnostics from reading, parsing, decoding and whole-tree checks.
public struct SpecTree: Sendable {
    public var files: [SourceFile] = []
    public var documents: [SpecDocument] = []
    public var diagnostics: [Diagnostic] = []

    public var hasErrors: Bool { self.diagnostics.contains { $0.severity == .error } }

    public var sources: [String: SourceFile] {
        Dictionary(self.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func documents(of kind: SpecKind) -> [SpecDocument] { self.documents.filter { $0.kind == kind } }
}

/// Loads spec trees from disk: finds `.yaml`/`.yml` files (hidden entries skipped), parses and decodes every
/// document, then runs the whole-tree passes. File order is byte order of paths, so output is deterministic.
public struct SpecTreeLoader: Sendable {
    public var yaml: YAMLLoader

    /// Diagnostics shown per file; the rest are counted (SPEC030).
    public static let diagnosticsPerFile = 100

    public init(yaml: YAMLLoader = YAMLLoader()) {
        self.yaml = yaml
    }

    public func load(paths: [String]) -> SpecTree {
        var tree = SpecTree()
        var filePaths: [String] = []
        for path in paths {
            switch FileSystem.type(of: path) {
            case .directory:
                let before = filePaths.count
                self.collect(directory: path, into: &filePaths, diagnostics: &tree.diagnostics)
                if filePaths.count == before {
                    tree.diagnostics.append(
                        Diagnostic(.noSpecFiles, "no .yaml or .yml files under '\(path)'", at: .file(path)))
                }
            case .file:
                filePaths.append(path)
            case .missing:
                tree.diagnostics.append(Diagnostic(.unreadableInput, "no such file or directory", at: .file(path)))
            case .other:
                tree.diagnostics.append(
                    Diagnostic(.unreadableInput, "not a regular file or directory", at: .file(path)))
            }
        }
        for path in filePaths {
            switch FileSystem.read(path, limit: self.yaml.limits.maxFileBytes) {
            case .failure(let failure):
                tree.diagnostics.append(Diagnostic(.unreadableInput, "cannot read: \(failure.reason)", at: .file(path)))
            case .success(let bytes):
                let file = SourceFile(path: path, bytes: bytes)
                tree.files.append(file)
                let (documents, diagnostics) = self.yaml.load(file)
                let session = DecodeSession(limit: Self.diagnosticsPerFile)
                session.diagnostics.append(contentsOf: diagnostics)
                for document in documents {
                    if let spec = SpecDocument.decode(document, in: session) { tree.documents.append(spec) }
                }
                tree.diagnostics.append(contentsOf: session.diagnostics.items)
                if session.diagnostics.suppressed > 0 {
                    tree.diagnostics.append(
                        Diagnostic(
                            .diagnosticLimit,
                            "\(session.diagnostics.suppressed) more diagnostics in this file are not shown "
                                + "(limit \(Self.diagnosticsPerFile) per file)", at: .file(path)))
                }
            }
        }
        tree.diagnostics.append(contentsOf: TreeChecks.run(tree.documents))
        tree.diagnostics = Diagnostic.sorted(tree.diagnostics)
        return tree
    }

    private func collect(directory: String, into paths: inout [String], diagnostics: inout [Diagnostic]) {
        switch FileSystem.list(directory) {
        case .failure(let failure):
            diagnostics.append(Diagnostic(.unreadableInput, "cannot list: \(failure.reason)", at: .file(directory)))
        case .success(let names):
            for name in names where !name.hasPrefix(".") {
                let path = FileSystem.join(directory, name)
                switch FileSystem.type(of: path) {
                case .directory where !FileSystem.isSymbolicLink(path):
                    self.collect(directory: path, into: &paths, diagnostics: &diagnostics)
                case .file where name.hasSuffix(".yaml") || name.hasSuffix(".yml"): paths.append(path)
                default: break
                }
            }
        }
    }
}
