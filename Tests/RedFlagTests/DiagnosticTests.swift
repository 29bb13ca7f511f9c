import Foundation
import Testing

@testable import RedFlag

/// One rule with a field replaced, for diagnostic cases.
private func rule(_ lines: String) -> String {
    "rules:\n" + lines.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
}

private let valid = """
    - id: OFF_TELEGRAM
      tactic: offplatform
      weight: 1
      languages: [en]
      describe: Names Telegram
      pattern: 'telegram'
      match: ["telegram"]
      nomatch: ["signal"]
    """

@Suite struct DiagnosticTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let code: DiagnosticCode
        let rules: String
        /// The line in `set/rules/a.yaml` the diagnostic must name (nil: another file or any line).
        let line: Int?
        var testDescription: String { code.rawValue }
    }

    static let cases: [Case] = [
        Case(code: .invalidYAML, rules: "rules:\n  - id: [unclosed\n", line: 3),
        Case(code: .unknownKey, rules: rule(valid + "\n  colour: red"), line: 10),
        Case(code: .missingKey, rules: rule(valid.replacingOccurrences(of: "  describe: Names Telegram\n", with: "")), line: 2),
        Case(code: .wrongType, rules: rule(valid.replacingOccurrences(of: "weight: 1", with: "weight: heavy")), line: 4),
        Case(code: .duplicateID, rules: rule(valid + "\n" + valid), line: 10),
        Case(code: .unknownTactic, rules: rule(valid.replacingOccurrences(of: "tactic: offplatform", with: "tactic: phishing")), line: 3),
        Case(code: .invalidPattern, rules: rule(valid.replacingOccurrences(of: "pattern: 'telegram'", with: "pattern: 'tele(gram'")), line: 7),
        Case(code: .invalidMeta, rules: rule(valid.replacingOccurrences(of: "pattern: 'telegram'", with: "meta: 'A && && B'")), line: 7),
        Case(code: .unknownMetaOperand, rules: rule(valid.replacingOccurrences(of: "pattern: 'telegram'", with: "meta: 'NOT_A_RULE'")), line: 7),
        Case(
            code: .metaCycle,
            rules: rule(
                valid.replacingOccurrences(of: "pattern: 'telegram'", with: "meta: 'OFF_B'") + "\n"
                    + valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "OFF_B").replacingOccurrences(of: "pattern: 'telegram'", with: "meta: 'OFF_TELEGRAM'")),
            line: nil),
        Case(code: .invalidID, rules: rule(valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "off-telegram")), line: 2),
        Case(code: .missingExamples, rules: rule(valid.replacingOccurrences(of: "  nomatch: [\"signal\"]", with: "")), line: 2),
        Case(code: .invalidLanguage, rules: rule(valid.replacingOccurrences(of: "[en]", with: "[english]")), line: 5),
        Case(code: .unknownFlag, rules: rule(valid + "\n  flags: [ungreedy]"), line: 10),
        Case(code: .invalidWeight, rules: rule(valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "__SUB")), line: 4),
        Case(code: .patternAndMeta, rules: rule(valid + "\n  meta: 'OFF_TELEGRAM'"), line: 7),
        Case(code: .invalidCount, rules: rule(valid.replacingOccurrences(of: "pattern: 'telegram'", with: "meta: '3 of (OFF_TELEGRAM)'")), line: 7),
        Case(code: .invalidUnless, rules: rule(valid + "\n  unless: [NO_SUCH_RULE]"), line: 10),
        Case(
            code: .invalidUnless,
            rules: rule(valid.replacingOccurrences(of: "pattern: 'telegram'", with: "meta: 'OFF_B'") + "\n  unless: [OFF_B]\n"
                + valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "OFF_B")),
            line: 10),
        // `unless` names a meta rule; and a blocker with an `unless` of its own.
        Case(
            code: .invalidUnless,
            rules: rule(valid + "\n  unless: [OFF_B]\n"
                + valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "OFF_B").replacingOccurrences(of: "pattern: 'telegram'", with: "meta: 'OFF_TELEGRAM'")),
            line: 10),
        Case(
            code: .invalidUnless,
            rules: rule(valid + "\n  unless: [OFF_B]\n"
                + valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "OFF_B") + "\n  unless: [OFF_TELEGRAM]"),
            line: nil),
    ]

    @Test(arguments: cases)
    func eachProblemHasItsCodeAndPlace(_ item: Case) throws {
        let diagnostics = Fixture.diagnostics(Fixture.files(item.rules))
        let found = try #require(diagnostics.first { $0.code == item.code }, "no \(item.code.rawValue) in \(diagnostics)")
        #expect(found.severity == .error)
        #expect(found.location.file == "set/rules/a.yaml")
        if let line = item.line { #expect(found.location.line == line, "\(found)") }
        #expect(found.description.hasPrefix("set/rules/a.yaml:\(found.location.line):\(found.location.column): error[\(item.code.rawValue)]: "))
    }

    @Test func invalidRuleSetSettingsAreRF017() throws {
        let settings = Fixture.settings.replacingOccurrences(of: "scam: 0.9", with: "scam: 0.3")
        let diagnostics = Fixture.diagnostics(Fixture.files(Fixture.sample, settings: settings))
        let found = try #require(diagnostics.first { $0.code == .invalidRuleSetConfig })
        #expect(found.location.file == "set/ruleset.yaml")
        #expect(found.message.contains("0.3"))
    }

    @Test func unreadableFolderIsRF018() {
        let files = PatternFiles.read(directory: "/nonexistent/redflag-patterns")
        let codes = Set(Fixture.diagnostics(files).map(\.code))
        #expect(codes == [.unreadable])
    }

    @Test func everyErrorOfARunIsReportedAtOnce() {
        let broken = rule(
            valid.replacingOccurrences(of: "tactic: offplatform", with: "tactic: phishing") + "\n"
                + valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "OFF_SIGNAL").replacingOccurrences(of: "'telegram'", with: "'sig(nal'"))
        let more = rule(valid.replacingOccurrences(of: "OFF_TELEGRAM", with: "OFF_TELEGRAM"))
        let diagnostics = Fixture.diagnostics(Fixture.files(broken, more: ["b.yaml": more]))
        let codes = diagnostics.map(\.code)
        #expect(codes.contains(.unknownTactic))
        #expect(codes.contains(.invalidPattern))
        #expect(codes.contains(.duplicateID))
        let ids = diagnostics.compactMap(\.ruleID)
        #expect(ids.contains("OFF_SIGNAL"))
    }

    @Test func compileErrorsQuotePCRE2() throws {
        let diagnostics = Fixture.diagnostics(Fixture.files(rule(valid.replacingOccurrences(of: "'telegram'", with: "'tele(gram'"))))
        let found = try #require(diagnostics.first { $0.code == .invalidPattern })
        #expect(found.message.contains("missing closing parenthesis"))
        #expect(found.ruleID == "OFF_TELEGRAM")
    }

    @Test func codesAreStableAndUnique() {
        let codes = DiagnosticCode.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(DiagnosticCode.invalidYAML.rawValue == "RF001")
        #expect(DiagnosticCode.invalidCount.rawValue == "RF019")
        #expect(DiagnosticCode.riskyBacktracking.severity == .warning)
        #expect(DiagnosticCode.matchExampleFailed.severity == .error)
    }
}

@Suite struct LargeRuleFileTests {
    @Test func aFiftyMegabyteRulesFileIsRefusedWithADiagnostic() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixture.settings.write(to: folder.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
        try Fixture.tactics.write(to: folder.appendingPathComponent("tactics.yaml"), atomically: true, encoding: .utf8)
        let line = Data("# padding padding padding padding padding padding padding padding padding padding\n".utf8)
        var big = Data("rules:\n".utf8)
        big.reserveCapacity(50_000_100)
        while big.count < 50_000_000 { big.append(line) }
        try big.write(to: folder.appendingPathComponent("rules/huge.yaml"))
        let diagnostics = Fixture.diagnostics(PatternFiles.read(directory: folder.path))
        let found = try #require(diagnostics.first { $0.code == .unreadable })
        #expect(found.location.file.hasSuffix("rules/huge.yaml"))
        #expect(found.message.contains("larger than"))
    }
}
