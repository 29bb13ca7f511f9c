import Foundation
import Testing

@testable import RedFlag

/// The repository's `Patterns/` folder.
let patternsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Patterns").path

@Suite struct DefaultPatternSetTests {
    @Test func embeddedCopyEqualsPatternsFolder() {
        let onDisk = PatternFiles.read(directory: patternsDirectory)
        #expect(onDisk.readDiagnostics.isEmpty)
        let embedded = PatternFiles.embedded
        #expect(embedded.files.map(\.relativePath) == onDisk.files.map(\.relativePath))
        for (a, b) in zip(embedded.files, onDisk.files) {
            #expect(a.contents == b.contents, "\(a.relativePath) differs: run python3 scripts/embed-patterns.py")
        }
        #expect(embedded.fingerprint == onDisk.fingerprint)
    }

    @Test func defaultSetLoadsWithoutErrors() throws {
        let ruleSet = try RuleSet.embedded()
        #expect(ruleSet.rules.count >= 40)
        let tactics = Set(ruleSet.rules.filter { !$0.isSubRule }.compactMap(\.tactic))
        #expect(tactics.count >= 6)
        let languages = Set(ruleSet.rules.flatMap(\.languages))
        #expect(languages.isSuperset(of: ["en", "fr"]))
    }

    @Test func everyExampleOfTheDefaultSetBehaves() throws {
        let report = RuleSetChecks(ruleSet: try RuleSet.embedded()).testExamples()
        #expect(report.failures.isEmpty, "\(report.failures.map(\.description).joined(separator: "\n"))")
        #expect(report.passed > 100)
    }

    @Test func defaultSetHasNoRiskyPatterns() throws {
        let warnings = RuleSetChecks(ruleSet: try RuleSet.embedded()).lint()
        #expect(warnings.filter { $0.code == .riskyBacktracking }.isEmpty, "\(warnings)")
        #expect(warnings.filter { $0.code == .missingLocalDescription }.isEmpty, "\(warnings)")
    }

    @Test func everyScoringRuleIsDescribedAndHasATactic() throws {
        let ruleSet = try RuleSet.embedded()
        let known = Set(ruleSet.tactics.map(\.id))
        for rule in ruleSet.rules where !rule.isSubRule {
            #expect(!rule.describe.isEmpty, "\(rule.id)")
            #expect(known.contains(rule.tactic ?? ""), "\(rule.id)")
            if rule.tactic == "legitimacy" { #expect(rule.weight < 0, "\(rule.id)") }
        }
    }

    @Test func canaryAlwaysScoresAsScam() throws {
        let scanner = RuleScanner(ruleSet: try RuleSet.embedded())
        let verdict = scanner.classify("We are hiring. REDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST. Apply on our careers portal after a video interview.")
        #expect(verdict.label == .scam)
        #expect(verdict.evidence.contains { $0.rule == "CANARY_REDFLAG_TEST" })
    }

    @Test func frenchTaskScamIsScamWithExactOffsets() throws {
        let text = "Bonjour ! Travail simple depuis chez vous : aimez des vidéos et gagnez 150 € par jour. Pour débloquer la mission suivante, rechargez 350 USDT sur votre compte, puis écrivez à notre mentor sur Telegram @mentor_julie."
        let verdict = RuleScanner(ruleSet: try RuleSet.embedded()).classify(text)
        #expect(verdict.label == .scam)
        #expect(verdict.tactics.contains("task_scam"))
        #expect(verdict.tactics.contains("offplatform"))
        let bytes = Array(text.utf8)
        for item in verdict.evidence {
            #expect(String(decoding: bytes[item.start..<item.end], as: UTF8.self) == item.text)
        }
    }

    @Test(arguments: [
        "Join our neighbourhood WhatsApp group to organise the street party on Saturday.",
        "Software engineer, Lyon. Salary 48–55k€. Two interviews (video, then on site). Apply on our careers portal.",
        "Beware of task scams: fraudsters ask you to recharge USDT to unlock tasks. Never pay to work.",
        "Nous recrutons un(e) assistant(e) administratif(ve) en CDI, 2 100 € brut par mois, entretien dans nos locaux.",
    ])
    func ordinaryTextsAreNotScam(_ text: String) throws {
        let verdict = RuleScanner(ruleSet: try RuleSet.embedded()).classify(text)
        #expect(verdict.label != .scam, "\(verdict.evidence.map(\.rule))")
    }
}

@Suite struct RuleSetChecksTests {
    @Test func exampleFailuresNameFileLineAndRule() throws {
        let rules = """
            rules:
              - id: OFF_TELEGRAM
                tactic: offplatform
                weight: 1
                languages: [any]
                describe: Names Telegram
                pattern: '\\btelegram\\b'
                match:
                  - "write on Telegram"
                  - "write on Signal"
                nomatch:
                  - "telegram"
                todo-match:
                  - "t.me/anna"
                  - "telegram again"
                todo-nomatch:
                  - "history of the telegram"
                  - "nothing here"
            """
        let report = RuleSetChecks(ruleSet: try RuleSet.load(Fixture.files(rules))).testExamples()
        #expect(report.passed == 3)
        let byCode = Dictionary(grouping: report.failures, by: \.code)
        #expect(byCode[.matchExampleFailed]?.map(\.location.line) == [10])
        #expect(byCode[.nomatchExampleFailed]?.map(\.location.line) == [12])
        #expect(byCode[.todoMatchNowFires]?.map(\.location.line) == [15])
        #expect(byCode[.todoNomatchNowPasses]?.map(\.location.line) == [18])
        #expect(report.failures.allSatisfy { $0.ruleID == "OFF_TELEGRAM" && $0.location.file == "set/rules/a.yaml" })
    }

    @Test func sampleSetExamplesPass() throws {
        let report = RuleSetChecks(ruleSet: try RuleSet.load(Fixture.files(Fixture.sample))).testExamples()
        #expect(report.failures.isEmpty, "\(report.failures)")
    }

    @Test func lintFindsEachWarning() throws {
        let rules = """
            rules:
              - id: SLOW
                tactic: offplatform
                weight: 1
                languages: [fr]
                describe: Risky pattern without a French description
                pattern: '(\\w+\\s?)+$'
                match: ["abc"]
                nomatch: ["!"]
              - id: __UNUSED
                languages: [any]
                pattern: 'never'
              - id: FINE
                tactic: offplatform
                weight: 1
                languages: [en]
                describe: Bounded
                pattern: '(?:\\w{1,20}\\s?){1,5}telegram|[(+]+x'
                match: ["on telegram"]
                nomatch: ["!"]
            """
        let warnings = RuleSetChecks(ruleSet: try RuleSet.load(Fixture.files(rules))).lint()
        let found = Set(warnings.map { "\($0.code.rawValue) \($0.ruleID ?? "")" })
        #expect(found == ["RF101 SLOW", "RF102 SLOW", "RF103 __UNUSED", "RF104 __UNUSED"])
    }

    @Test(arguments: [
        ("(a+)+$", true), ("(.*a){20}", true), ("(?:x|y+)*z", true), ("(a|b)+", false), ("(?>a+)+", false),
        ("a{1,20}(b{2,})?", false), ("[(+]+", false), ("\\(a+\\)+", false), ("((ab)*c){2,}", true),
    ])
    func backtrackingCheck(_ pattern: String, _ risky: Bool) {
        #expect((BacktrackingRisk.find(in: pattern) != nil) == risky, "\(pattern)")
    }
}
