/// A place in a pattern file: path, 1-based line and column.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A stable diagnostic code. Codes are never reused for another meaning; see `Patterns/README.md`.
public enum DiagnosticCode: String, Sendable, CaseIterable {
    case invalidYAML = "RF001"
    case unknownKey = "RF002"
    case missingKey = "RF003"
    case wrongType = "RF004"
    case duplicateID = "RF005"
    case unknownTactic = "RF006"
    case invalidPattern = "RF007"
    case invalidMeta = "RF008"
    case unknownMetaOperand = "RF009"
    case metaCycle = "RF010"
    case invalidID = "RF011"
    case missingExamples = "RF012"
    case invalidLanguage = "RF013"
    case unknownFlag = "RF014"
    case invalidWeight = "RF015"
    case patternAndMeta = "RF016"
    case invalidRuleSetConfig = "RF017"
    case unreadable = "RF018"
    case invalidCount = "RF019"
    case unknownView = "RF020"
    case invalidHeuristic = "RF021"
    case invalidUnless = "RF022"

    case riskyBacktracking = "RF101"
    case missingLocalDescription = "RF102"
    case neverFires = "RF103"
    case unusedSubRule = "RF104"

    case matchExampleFailed = "RF201"
    case nomatchExampleFailed = "RF202"
    case todoMatchNowFires = "RF203"
    case todoNomatchNowPasses = "RF204"

    /// Errors stop a set from loading; warnings do not.
    public var severity: Diagnostic.Severity {
        rawValue.hasPrefix("RF1") ? .warning : .error
    }
}

/// One problem found in a pattern set, with its place.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public let code: DiagnosticCode
    public let message: String
    public let location: SourceLocation
    /// The rule the problem belongs to, when there is one.
    public let ruleID: String?

    public init(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, rule ruleID: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.ruleID = ruleID
    }

    public var severity: Severity { code.severity }

    /// `file:line:column: error[RF007]: message (rule ID)`.
    public var description: String {
        let rule = ruleID.map { " (rule \($0))" } ?? ""
        return "\(location): \(severity.rawValue)[\(code.rawValue)]: \(message)\(rule)"
    }
}

/// A pattern set that could not be loaded: every error found, in file order.
public struct RuleSetError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
