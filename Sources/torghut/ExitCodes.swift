import ArgumentParser

/// Every exit status the CLI uses (docs/cli.md). 64 comes from swift-argument-parser for usage errors.
extension ExitCode {
    /// The input is valid but a check failed (policy expectation, golden mismatch, scenario gate).
    static let checkFailed = ExitCode(1)
    /// An input file is invalid or unusable.
    static let invalidInput = ExitCode(2)
}
