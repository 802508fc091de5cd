import ArgumentParser
import SpecModel

extension SpecKind: ExpressibleByArgument {}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema (draft-07) of a spec kind, for editors such as yaml-language-server.",
        discussion: "Generated from the same definitions the validator uses.")

    @Argument(help: "The spec kind: \(SpecKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: SpecKind

    func run() throws {
        print(try JSONWriter.pretty(SpecDocument.jsonSchema(for: self.kind)), terminator: "")
    }
}
