import Foundation
import Testing

@testable import RedFlag

@Suite struct ScorerTests {
    let ruleSet: RuleSet
    let scanner: RuleScanner

    init() throws {
        ruleSet = try RuleSet.load(Fixture.files(Fixture.sample))
        scanner = RuleScanner(ruleSet: ruleSet)
    }

    @Test func probabilityIsTheLogisticOfScorePlusBias() {
        let verdict = scanner.classify("Pay the training fee, then write to me on Telegram.")
        // OFF_TELEGRAM 1.5 + FEE_TRAINING 2.5 + COMBO_CHAT_AND_FEE 2 = 6; bias -3.
        #expect(verdict.score == 6)
        #expect(abs(verdict.probability - 1 / (1 + exp(-3.0))) < 1e-12)
        #expect(verdict.label == .scam)
        #expect(verdict.tactics == ["upfront_fee", "offplatform"])
    }

    @Test func labelsFollowTheThresholds() {
        #expect(scanner.classify("Nothing to see here.").label == .legit)
        #expect(scanner.classify("pay the training fee").label == .legit)  // logistic(2.5 - 3) = 0.38
        let moved = RuleScanner(ruleSet: ruleSet.with(thresholds: Thresholds(suspicious: 0.3, scam: 0.96)))
        #expect(moved.classify("pay the training fee").label == .suspicious)
        #expect(moved.classify("Pay the training fee, then write to me on Telegram.").label == .suspicious)  // 0.953
    }

    @Test func negativeWeightsLowerTheScore() {
        let verdict = scanner.classify("Pay the training fee after a video interview")
        #expect(verdict.score == 0.5)
        #expect(verdict.evidence.map(\.rule) == ["FEE_TRAINING", "LEGIT_INTERVIEW"])
        #expect(!verdict.tactics.contains("legitimacy"))
    }

    @Test func evidenceOffsetsSliceTheOriginalText() {
        let text = "Très bien 👍🏽! Écrivez-moi sur Telegram et rechargez 50 USDT — TELEGRAM encore"
        let verdict = scanner.classify(text)
        let bytes = Array(text.utf8)
        let scalars = Array(text.unicodeScalars)
        #expect(!verdict.evidence.isEmpty)
        for item in verdict.evidence where item.parts.isEmpty {
            #expect(String(decoding: bytes[item.start..<item.end], as: UTF8.self) == item.text)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[item.charStart..<item.charEnd])
            #expect(String(view) == item.text)
        }
        #expect(verdict.evidence.filter { $0.rule == "OFF_TELEGRAM" }.map(\.text) == ["Telegram", "TELEGRAM"])
    }

    @Test func aRuleCountsOnceHoweverManyTimesItMatches() {
        let once = scanner.classify("telegram")
        let thrice = scanner.classify("telegram telegram telegram")
        #expect(once.score == thrice.score)
        #expect(thrice.evidence.count == 3)
    }

    @Test func spansPerRuleAreCapped() {
        let capped = RuleScanner(ruleSet: ruleSet, maxSpansPerRule: 2)
        #expect(capped.classify(String(repeating: "telegram ", count: 50)).evidence.count == 2)
    }

    @Test func metaRulesPointAtTheirPartsAndSubRulesStayHidden() throws {
        let text = "rechargez 50 USDT"
        let verdict = scanner.classify(text)
        #expect(!verdict.evidence.contains { $0.rule == "__USDT" })
        let combo = try #require(verdict.evidence.first { $0.rule == "COMBO_CRYPTO_TASKS" })
        #expect(combo.parts == ["TASK_RECHARGE_FR", "__USDT"])
        #expect(combo.text == "rechargez")
        #expect(verdict.score == 4)
    }

    @Test func languageRestrictsRules() {
        let text = "rechargez votre compte"
        #expect(scanner.classify(text, language: "fr").evidence.map(\.rule) == ["TASK_RECHARGE_FR"])
        #expect(scanner.classify(text, language: "en").evidence.isEmpty)
        #expect(scanner.classify(text).evidence.map(\.rule) == ["TASK_RECHARGE_FR"])
    }

    @Test func aRunawayRuleIsSkippedWithAWarning() throws {
        let rules = """
            rules:
              - id: SLOW
                tactic: offplatform
                weight: 5
                languages: [any]
                describe: A pattern that backtracks without end
                pattern: '(a+)+$'
                match: ["aaa"]
                nomatch: ["b"]
              - id: OFF_TELEGRAM
                tactic: offplatform
                weight: 1
                languages: [any]
                describe: Names Telegram
                pattern: 'telegram'
                match: ["telegram"]
                nomatch: ["signal"]
            """
        let set = try RuleSet.load(Fixture.files(rules))
        let verdict = RuleScanner(ruleSet: set).classify("telegram " + String(repeating: "a", count: 5000) + "!")
        #expect(verdict.warnings.map(\.code) == ["match_limit"])
        #expect(verdict.warnings.first?.rule == "SLOW")
        #expect(verdict.evidence.map(\.rule) == ["OFF_TELEGRAM"])
    }

    @Test func emptyAndHugeTextsAreClassified() {
        #expect(scanner.classify("").label == .legit)
        let huge = String(repeating: "an ordinary sentence about work. ", count: 100_000) + "telegram"
        let roomy = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, maxTextBytes: 10_000_000)
        #expect(roomy.classify(huge).evidence.last?.end == huge.utf8.count)
    }

    @Test func jsonFollowsTheOutputContract() throws {
        let verdict = scanner.classify("Pay the training fee on \"Telegram\"\n")
        let line = verdict.json(id: .string("job-7"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "job-7")
        #expect(object["label"] as? String == "scam")
        #expect(object["score"] as? Double == 6)
        #expect(object["tactics"] as? [String] == ["upfront_fee", "offplatform"])
        let evidence = try #require(object["evidence"] as? [[String: Any]])
        let keys = ["rule", "tactic", "weight", "describe", "text", "start", "end", "char_start", "char_end"]
        for item in evidence { #expect(keys.allSatisfy { item[$0] != nil }) }
        #expect(line.hasPrefix(#"{"id":"job-7","label":"scam","probability":"#))
        #expect(!line.contains("\n"))
    }
}

/// `unless`: a pattern rule that does not fire when another pattern rule does.
@Suite struct UnlessTests {
    static let rules = """
        rules:
          - id: LEGIT_WARNING
            tactic: legitimacy
            weight: -3
            languages: [any]
            describe: Reads as a warning about scams
            pattern: '\\bbeware of scams\\b'
            unless: [__HANDLE]
            match: ["beware of scams"]
            nomatch: ["beware of scams, write to @recruiter"]
          - id: __HANDLE
            languages: [any]
            pattern: '@\\w{3,}'
          - id: FEE_TRAINING
            tactic: upfront_fee
            weight: 4
            languages: [any]
            describe: Asks for a training fee
            pattern: '\\btraining fee\\b'
            match: ["pay the training fee"]
            nomatch: ["no fee"]
          - id: COMBO_FEE_NOT_WARNING
            tactic: upfront_fee
            weight: 2
            languages: [any]
            describe: A fee outside a warning
            meta: 'FEE_TRAINING && !LEGIT_WARNING'
            match: ["pay the training fee"]
            nomatch: ["beware of scams: a training fee"]
        """

    @Test func aBlockedRuleNeitherScoresNorCountsForMetaRules() throws {
        let set = try RuleSet.load(Fixture.files(Self.rules))
        let scanner = RuleScanner(ruleSet: set, identifyLanguage: false)
        let warning = scanner.classify("Beware of scams: never pay a training fee.")
        #expect(warning.evidence.map(\.rule).contains("LEGIT_WARNING"))
        #expect(!warning.evidence.map(\.rule).contains("COMBO_FEE_NOT_WARNING"))
        let lure = scanner.classify("Beware of scams! Pay the training fee to @recruiter_anna")
        #expect(!lure.evidence.map(\.rule).contains("LEGIT_WARNING"))
        #expect(lure.evidence.map(\.rule).contains("COMBO_FEE_NOT_WARNING"))
        #expect(lure.score == warning.score + 3 + 2)
        // The examples hold, and a snapshot keeps the rule's `unless`.
        #expect(RuleSetChecks(ruleSet: set).testExamples().failures.isEmpty)
        let copy = try #require(RuleSetSnapshot.decode(RuleSetSnapshot.encode(set), fingerprint: set.fingerprint))
        #expect(copy.rule("LEGIT_WARNING")?.unless == ["__HANDLE"])
        #expect(RuleScanner(ruleSet: copy, identifyLanguage: false).classify("Beware of scams! Pay the training fee to @recruiter_anna").score == lure.score)
    }
}

