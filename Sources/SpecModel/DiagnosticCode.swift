/// A stable diagnostic code such as `SPEC012`. Codes never change meaning once released; retired codes stay
/// reserved. `docs/diagnostics.md` is generated from `DiagnosticCode.all`, and a test keeps the two in sync.
public struct DiagnosticCode: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, CaseIterable, Sendable {
        case yamlSyntax = "SPEC001"
        case tabIndentation = "SPEC002"
        case duplicateKey = "SPEC003"
        case aliasBudgetExceeded = "SPEC004"
        case nestingTooDeep = "SPEC005"
        case fileTooLarge = "SPEC006"
        case unsupportedYAML = "SPEC007"
        case unreadableInput = "SPEC008"
        case noSpecFiles = "SPEC009"
        case apiVersion = "SPEC010"
        case unknownKind = "SPEC011"
        case unknownKey = "SPEC012"
        case missingKey = "SPEC013"
        case wrongType = "SPEC014"
        case outOfRange = "SPEC015"
        case invalidIdentifier = "SPEC016"
        case nonFiniteNumber = "SPEC017"
        case yaml11Ambiguity = "SPEC018"
        case tooPrecise = "SPEC019"
        case duplicateName = "SPEC020"
        case unresolvedReference = "SPEC021"
        case invalidSymbol = "SPEC022"
        case emptyList = "SPEC023"
        case duplicateEntry = "SPEC024"
        case conflictingValues = "SPEC025"
        case invalidValue = "SPEC026"
        case fractionAboveOne = "SPEC027"
        case overrideOutsideUniverse = "SPEC028"
        case scopeNotApplicable = "SPEC029"
        case diagnosticLimit = "SPEC030"
        case expressionSyntax = "SPEC031"
        case unknownName = "PLAN001"
        case typeMismatch = "PLAN002"
        case badCall = "PLAN003"
        case valueCycle = "PLAN004"
        case emptyRule = "PLAN005"
        case unusedParameter = "PLAN006"
        case malformedPlan = "PLAN007"
        case planHashMismatch = "PLAN008"
        case riskPolicyConflict = "PLAN009"
        case malformedRecord = "DATA001"
        case missingField = "DATA002"
        case invalidField = "DATA003"
        case skippedRecord = "DATA004"
        case malformedCSV = "DATA005"
        case recordTooLong = "DATA006"
        case damagedDataset = "DATA007"
        case scenarioNotRunnable = "SIM001"
        case scenarioNotFound = "SIM002"
        case gateFailed = "SIM003"
        case goldenMissing = "GOLD001"
        case goldenMismatch = "GOLD002"
        case goldenMalformed = "GOLD003"
    }

    private let base: Base

    private init(_ base: Base) { self.base = base }

    /// The stable identifier printed in diagnostics, e.g. `SPEC012`.
    public var id: String { self.base.rawValue }
    public var description: String { self.id }

    /// Looks a code up by its identifier (`SPEC012`).
    public init?(id: String) {
        guard let base = Base(rawValue: id) else { return nil }
        self.base = base
    }

    /// Every code, in identifier order.
    public static var all: [DiagnosticCode] { Base.allCases.map(DiagnosticCode.init) }

    public static let yamlSyntax = DiagnosticCode(.yamlSyntax)
    public static let tabIndentation = DiagnosticCode(.tabIndentation)
    public static let duplicateKey = DiagnosticCode(.duplicateKey)
    public static let aliasBudgetExceeded = DiagnosticCode(.aliasBudgetExceeded)
    public static let nestingTooDeep = DiagnosticCode(.nestingTooDeep)
    public static let fileTooLarge = DiagnosticCode(.fileTooLarge)
    public static let unsupportedYAML = DiagnosticCode(.unsupportedYAML)
    public static let unreadableInput = DiagnosticCode(.unreadableInput)
    public static let noSpecFiles = DiagnosticCode(.noSpecFiles)
    public static let apiVersion = DiagnosticCode(.apiVersion)
    public static let unknownKind = DiagnosticCode(.unknownKind)
    public static let unknownKey = DiagnosticCode(.unknownKey)
    public static let missingKey = DiagnosticCode(.missingKey)
    public static let wrongType = DiagnosticCode(.wrongType)
    public static let outOfRange = DiagnosticCode(.outOfRange)
    public static let invalidIdentifier = DiagnosticCode(.invalidIdentifier)
    public static let nonFiniteNumber = DiagnosticCode(.nonFiniteNumber)
    public static let yaml11Ambiguity = DiagnosticCode(.yaml11Ambiguity)
    public static let tooPrecise = DiagnosticCode(.tooPrecise)
    public static let duplicateName = DiagnosticCode(.duplicateName)
    public static let unresolvedReference = DiagnosticCode(.unresolvedReference)
    public static let invalidSymbol = DiagnosticCode(.invalidSymbol)
    public static let emptyList = DiagnosticCode(.emptyList)
    public static let duplicateEntry = DiagnosticCode(.duplicateEntry)
    public static let conflictingValues = DiagnosticCode(.conflictingValues)
    public static let invalidValue = DiagnosticCode(.invalidValue)
    public static let fractionAboveOne = DiagnosticCode(.fractionAboveOne)
    public static let overrideOutsideUniverse = DiagnosticCode(.overrideOutsideUniverse)
    public static let scopeNotApplicable = DiagnosticCode(.scopeNotApplicable)
    public static let diagnosticLimit = DiagnosticCode(.diagnosticLimit)
    public static let expressionSyntax = DiagnosticCode(.expressionSyntax)
    public static let unknownName = DiagnosticCode(.unknownName)
    public static let typeMismatch = DiagnosticCode(.typeMismatch)
    public static let badCall = DiagnosticCode(.badCall)
    public static let valueCycle = DiagnosticCode(.valueCycle)
    public static let emptyRule = DiagnosticCode(.emptyRule)
    public static let unusedParameter = DiagnosticCode(.unusedParameter)
    public static let malformedPlan = DiagnosticCode(.malformedPlan)
    public static let planHashMismatch = DiagnosticCode(.planHashMismatch)
    public static let riskPolicyConflict = DiagnosticCode(.riskPolicyConflict)
    public static let malformedRecord = DiagnosticCode(.malformedRecord)
    public static let missingField = DiagnosticCode(.missingField)
    public static let invalidField = DiagnosticCode(.invalidField)
    public static let skippedRecord = DiagnosticCode(.skippedRecord)
    public static let malformedCSV = DiagnosticCode(.malformedCSV)
    public static let recordTooLong = DiagnosticCode(.recordTooLong)
    public static let damagedDataset = DiagnosticCode(.damagedDataset)
    public static let scenarioNotRunnable = DiagnosticCode(.scenarioNotRunnable)
    public static let scenarioNotFound = DiagnosticCode(.scenarioNotFound)
    public static let gateFailed = DiagnosticCode(.gateFailed)
    public static let goldenMissing = DiagnosticCode(.goldenMissing)
    public static let goldenMismatch = DiagnosticCode(.goldenMismatch)
    public static let goldenMalformed = DiagnosticCode(.goldenMalformed)

    /// The severity a code is reported with.
    public var defaultSeverity: Severity {
        switch self.base {
        case .fractionAboveOne, .overrideOutsideUniverse: .warning
        case .diagnosticLimit: .note
        case .unusedParameter: .warning
        case .skippedRecord: .warning
        case .gateFailed, .goldenMissing, .goldenMismatch: .error
        default: .error
        }
    }

    /// A short title for tables and SARIF rule names.
    public var title: String {
        switch self.base {
        case .yamlSyntax: "malformed YAML"
        case .tabIndentation: "tab character in indentation"
        case .duplicateKey: "duplicate mapping key"
        case .aliasBudgetExceeded: "alias expansion budget exceeded"
        case .nestingTooDeep: "nesting too deep"
        case .fileTooLarge: "spec file too large"
        case .unsupportedYAML: "unsupported YAML construct"
        case .unreadableInput: "unreadable input"
        case .noSpecFiles: "no spec files found"
        case .apiVersion: "missing or unsupported apiVersion"
        case .unknownKind: "missing or unknown kind"
        case .unknownKey: "unknown key"
        case .missingKey: "missing required key"
        case .wrongType: "wrong value type"
        case .outOfRange: "value out of range"
        case .invalidIdentifier: "invalid identifier"
        case .nonFiniteNumber: "non-finite number"
        case .yaml11Ambiguity: "ambiguous YAML 1.1 scalar"
        case .tooPrecise: "too many decimal places"
        case .duplicateName: "duplicate spec name"
        case .unresolvedReference: "unresolved reference"
        case .invalidSymbol: "invalid ticker symbol"
        case .emptyList: "empty list"
        case .duplicateEntry: "duplicate list entry"
        case .conflictingValues: "conflicting values"
        case .invalidValue: "value not allowed"
        case .fractionAboveOne: "fraction above 1.0"
        case .overrideOutsideUniverse: "symbol outside the universe"
        case .scopeNotApplicable: "limit not applicable at this scope"
        case .diagnosticLimit: "diagnostic limit reached"
        case .expressionSyntax: "expression syntax error"
        case .unknownName: "unknown name in an expression"
        case .typeMismatch: "type mismatch in an expression"
        case .badCall: "bad function call"
        case .valueCycle: "named value used before it is defined"
        case .emptyRule: "rule that can never apply"
        case .unusedParameter: "unused parameter"
        case .malformedPlan: "malformed plan file"
        case .planHashMismatch: "plan hash mismatch"
        case .riskPolicyConflict: "two risk policies for one universe"
        case .malformedRecord: "malformed JSON record"
        case .missingField: "missing or mistyped field"
        case .invalidField: "invalid field value"
        case .skippedRecord: "record skipped"
        case .malformedCSV: "malformed CSV"
        case .recordTooLong: "record too long"
        case .damagedDataset: "damaged or unsupported dataset"
        case .scenarioNotRunnable: "scenario cannot run"
        case .scenarioNotFound: "no such scenario"
        case .gateFailed: "scenario gate failed"
        case .goldenMissing: "golden file missing"
        case .goldenMismatch: "golden mismatch"
        case .goldenMalformed: "malformed golden file"
        }
    }

    /// What the code means and how to fix it, one or two sentences for docs/diagnostics.md.
    public var explanation: String {
        switch self.base {
        case .yamlSyntax:
            "The file is not well-formed YAML (libyaml's reader, scanner or parser stopped here). Fix the syntax at the "
                + "caret; nothing in the file is validated until it parses."
        case .tabIndentation:
            "YAML forbids tabs in indentation. Indent with spaces."
        case .duplicateKey:
            "A mapping names the same key twice; YAML loaders disagree on which wins, so Torghut rejects it. Keys "
                + "brought in by a `<<` merge may be overridden and are not duplicates."
        case .aliasBudgetExceeded:
            "Aliases expand to more nodes than the budget (100,000 per file), as in an alias bomb. Write the values "
                + "out or use fewer nested aliases."
        case .nestingTooDeep:
            "Collections nest deeper than 64 levels. No spec kind needs that; the limit keeps loading bounded."
        case .fileTooLarge:
            "A spec file is larger than 4 MiB. Specs are small; split the file or remove generated data."
        case .unsupportedYAML:
            "A YAML feature specs do not use: a mapping or list as a key, an unknown explicit tag, or a non-UTF-8 "
                + "encoding. Use plain string keys and untagged values in UTF-8."
        case .unreadableInput:
            "A path given on the command line or found in the tree cannot be read (missing, permission denied, not a "
                + "regular file or directory)."
        case .noSpecFiles:
            "The directory holds no `.yaml` or `.yml` files. Point the command at a spec tree such as `specs/`."
        case .apiVersion:
            "Every document needs `apiVersion: torghut.dev/v1`. Kubernetes objects do not belong in a spec tree."
        case .unknownKind:
            "`kind` is missing or names no spec kind this version knows. The message lists the known kinds."
        case .unknownKey:
            "A key that the kind does not define, often a typo; the note suggests the closest known key. Unknown keys "
                + "are errors so a misspelt limit can never be silently ignored."
        case .missingKey:
            "A required key is absent. The message names it and the mapping it belongs in."
        case .wrongType:
            "The value has the wrong type, e.g. a quoted string where a number belongs, or a list where a mapping "
                + "belongs. Scalars are read by the type the schema expects, never guessed."
        case .outOfRange:
            "A number is outside its allowed range, e.g. a negative notional or a fraction below zero."
        case .invalidIdentifier:
            "Identifiers match `[a-z0-9][a-z0-9_.-]*(@[a-z0-9_-]+)?`, e.g. `intraday_tsmom_v1@prod`."
        case .nonFiniteNumber:
            "`.nan`, `.inf` and friends are not allowed in any numeric field."
        case .yaml11Ambiguity:
            "A scalar that YAML 1.1 and YAML 1.2 read differently: `yes`/`no`/`on`/`off` as booleans, `010` (octal in "
                + "1.1), `1_000`. Write `true`/`false` and plain decimal digits."
        case .tooPrecise:
            "Decimals carry at most 9 fractional digits (Torghut's exact decimal is Int64 at 10^-9)."
        case .duplicateName:
            "Two documents of the same kind share `metadata.name` within one spec tree."
        case .unresolvedReference:
            "A reference names a spec that does not exist in the tree (e.g. a RiskPolicy's `universe`)."
        case .invalidSymbol:
            "Ticker symbols are 1–10 upper-case letters, digits, `.` or `-`, starting with a letter (e.g. `BRK.B`)."
        case .emptyList:
            "A list that must hold at least one entry is empty, e.g. a universe with no symbols."
        case .duplicateEntry:
            "A list names the same entry twice."
        case .conflictingValues:
            "Two values contradict each other, e.g. a minimum above its maximum, or a symbol both allowed and denied."
        case .invalidValue:
            "The value is not one of the allowed choices; the message lists them."
        case .fractionAboveOne:
            "A `..._fraction...` value above 1.0 (more than 100%). Allowed, because Torghut deployed 3.0 and 10.0, but "
                + "usually a percent written as a fraction."
        case .overrideOutsideUniverse:
            "A RiskPolicy override or symbol list, or a Strategy's symbols, name a symbol that their universe does not "
                + "contain, so it can never apply. In a Scenario (its symbols, positions or faults) it is an error: the "
                + "run would price a symbol no strategy may trade, or the fault would never apply."
        case .expressionSyntax:
            "A rule expression does not parse; the caret marks the offending character. See the expression grammar in "
                + "docs/spec-reference/strategy.md."
        case .unknownName:
            "An expression names something that is neither a feature of the catalog, a parameter in `params`, nor a "
                + "value defined earlier in `values`. The note suggests the closest name."
        case .typeMismatch:
            "A number where a condition belongs or the reverse, e.g. `rsi14 and macd` or `rsi14 > (macd > 0)`."
        case .badCall:
            "A call of an unknown function or with the wrong number or kind of arguments; the message lists the "
                + "functions and their arities."
        case .valueCycle:
            "A named value refers to itself or to a value defined after it. Values are computed in order."
        case .emptyRule:
            "A rule with no conditions, or an entry window that is empty or outside the session."
        case .unusedParameter:
            "A parameter in `params` that no expression uses; usually a typo in the expression or the parameter."
        case .malformedPlan:
            "A plan file that `torghut compile` did not write, or from another format version. Compile the specs again."
        case .planHashMismatch:
            "A plan whose content no longer hashes to its recorded hash: it was edited by hand. Plans are compiled, "
                + "never edited; change the specs and compile."
        case .riskPolicyConflict:
            "Two `RiskPolicy` documents name the same universe. A strategy trades under the policy of its universe, so "
                + "there must be exactly one; merge them (overrides narrow limits per strategy or symbol)."
        case .malformedRecord:
            "A market-data or signal line is not well-formed JSON (RFC 8259, one value per line). The column points at "
                + "the offending byte; no record of the file is used until every line decodes."
        case .missingField:
            "A record lacks a field its kind needs (a trade's `p`, `s` or `t`, a quote's `bp`/`ap`, a bar's OHLCV), or "
                + "the field has the wrong JSON type."
        case .invalidField:
            "A field has an impossible value: an unparsable ISO-8601 timestamp, a non-positive price, a negative size "
                + "or volume, a bar whose high is below its low."
        case .skippedRecord:
            "A line is valid JSON but carries no market data (e.g. a `status` or `trade_updates` envelope); it is "
                + "skipped. Reported once per channel and file; the summary counts every skipped line."
        case .malformedCSV:
            "A bars CSV file needs the header `ts,symbol,open,high,low,close,volume` and seven fields per row."
        case .recordTooLong:
            "A line is longer than 1 MiB, which no market-data record is; the file is probably not JSON lines."
        case .damagedDataset:
            "A binary signal dataset that fails its checks: not a dataset (bad magic), a format version this build "
                + "does not read, a block or trailer whose checksum does not match, a truncated file, or rows that "
                + "break the layout. The message names the block and byte offset; re-create the file with "
                + "`torghut dataset convert`."
        case .scenarioNotRunnable:
            "A valid Scenario that cannot run against the market calendar: its date has no New York session (weekend "
                + "or holiday), or its window ends after the close (13:00 on half days). Also a fault that cannot "
                + "apply: a price_shock on a dataset source, or a fault on a symbol the run does not cover."
        case .scenarioNotFound:
            "`--scenario` names no Scenario in the spec tree and no readable file. The message lists the scenarios."
        case .gateFailed:
            "A run finished but a metric broke one of the scenario's gates; the message shows the value and the bound."
        case .goldenMissing:
            "A scenario has no golden file yet. Run `torghut golden update`, review the new file and commit it."
        case .goldenMismatch:
            "A scenario's outputs differ from its golden file. The report names the strategies whose decisions changed, "
                + "the first differing decision, the changed metrics and hashes. If the change is intended, run `torghut "
                + "golden update` and commit the reviewed diff."
        case .goldenMalformed:
            "A golden file that `torghut golden` cannot read (edited by hand?). Regenerate it with `torghut golden "
                + "update`."
        case .diagnosticLimit:
            "A file produced more than 100 diagnostics; the rest are counted, not shown. Fix the first ones and run "
                + "again (usually one mistake repeated, e.g. lower-case tickers in a long list)."
        case .scopeNotApplicable:
            "A limit set in an override whose scope cannot carry it, e.g. `max_open_positions` for one symbol. The "
                + "message names the scopes the limit supports."
        }
    }
}

extension DiagnosticCode {
    /// The content of `docs/diagnostics.md`, generated from the code table so the two cannot drift.
    public static func markdownReference() -> String {
        var out = """
            # Diagnostic codes

            Generated from `DiagnosticCode` in `Sources/SpecModel/DiagnosticCode.swift`; a test fails when this file \
            and the code differ (regenerate with `TORGHUT_RECORD_SNAPSHOTS=1 swift test --filter DiagnosticsDocTests`).

            Codes are stable: a released code never changes meaning. Errors make a command exit 2; warnings never \
            change the exit status. Every diagnostic renders as `file:line:column: severity[CODE]: message`, \
            columns counted in Unicode scalars from 1.

            | code | severity | title | meaning and fix |
            | --- | --- | --- | --- |

            """
        for code in Self.all {
            let explanation = code.explanation.replacing("|", with: "\\|")
            out += "| <a id=\"\(code.id.lowercased())\"></a>`\(code.id)` | \(code.defaultSeverity.rawValue) | "
            out += "\(code.title) | \(explanation) |\n"
        }
        return out
    }
}
