import Testing

@testable import RedFlag
import RedFlagRegex

@Suite struct HeuristicTests {
    static let settings = Fixture.settings + """

        heuristics:
          - id: HEUR_OBFUSCATED_WORDS
            kind: obfuscation
            tactic: offplatform
            weight: 1.5
            describe: Disguised words
          - id: HEUR_HIGH_DAILY_PAY
            kind: high_pay
            tactic: task_scam
            threshold: 250
            weight: 1
            describe: High pay per day
          - id: HEUR_HIGH_PAY_FOR_HOURS
            kind: high_pay_for_hours
            tactic: task_scam
            threshold: 40
            weight: 1
            describe: High pay per stated hour
          - id: HEUR_CHAT_ONLY_CONTACT
            kind: chat_only_contact
            tactic: offplatform
            weight: 0.5
            describe: Chat is the only contact
          - id: HEUR_FREE_MAIL_ONLY_CONTACT
            kind: free_mail_only_contact
            tactic: upfront_fee
            weight: 0.25
            describe: Free mail is the only contact
        """

    let scanner: RuleScanner

    init() throws {
        scanner = RuleScanner(ruleSet: try RuleSet.load(Fixture.files(Fixture.sample, settings: Self.settings)), identifyLanguage: false)
    }

    func fired(_ text: String) -> [String] {
        scanner.classify(text).evidence.map(\.rule).filter { $0.hasPrefix("HEUR_") }
    }

    @Test func obfuscationFiresOnlyOnDisguisedScoringMatches() throws {
        #expect(fired("write to me on Telegram").isEmpty)
        let verdict = scanner.classify("write to me on T e l e g r a m")
        let heuristic = try #require(verdict.evidence.first { $0.rule == "HEUR_OBFUSCATED_WORDS" })
        #expect(heuristic.text == "T e l e g r a m")
        #expect(heuristic.parts == ["OFF_TELEGRAM"])
        #expect(heuristic.tricks == ["spacing"])
        #expect(verdict.score == 1.5 + 1.5)
    }

    @Test func highPayComparesDailyValueInDollars() {
        #expect(fired("earn $300 per day").contains("HEUR_HIGH_DAILY_PAY"))
        #expect(fired("earn $40 per hour").contains("HEUR_HIGH_DAILY_PAY"))  // 320 a day
        #expect(!fired("earn $20 per hour").contains("HEUR_HIGH_DAILY_PAY"))
        #expect(!fired("salary 3,000 EUR per month").contains("HEUR_HIGH_DAILY_PAY"))  // 147 a day
        #expect(fired("gaji Rp 5.000.000 per hari").contains("HEUR_HIGH_DAILY_PAY"))
        #expect(!fired("gaji Rp 5.000.000 per bulan").contains("HEUR_HIGH_DAILY_PAY"))
        #expect(!fired("we pay 300 dollars").contains("HEUR_HIGH_DAILY_PAY"))  // no period, no daily value
    }

    @Test func payPerStatedHourDividesTheDayByTheHoursTheTextGives() {
        let id = "HEUR_HIGH_PAY_FOR_HOURS"
        #expect(fired("Earn $120 a day working only 1-2 hours a day").contains(id))  // 60 per stated hour
        #expect(!fired("Earn $120 a day working 4 hours a day").contains(id))  // 30
        #expect(!fired("Earn $120 a day").contains(id))  // no stated time
        #expect(!fired("Work only 1-2 hours a day").contains(id))  // no pay
        #expect(fired("Gana 80 USD al día trabajando solo 2 horas").contains(id))
        #expect(fired("Gagnez 150 € par jour pour seulement 2 heures de travail").contains(id))
        #expect(fired("每天只需2小时，日薪800元").contains(id))  // 800 CNY ≈ 110 USD over 2 hours
        #expect(fired("Kiếm 1.000.000đ mỗi ngày, chỉ 30 phút mỗi ngày").contains(id))  // minutes
        #expect(!fired("Kumita ng ₱2,000 kada araw, 2 oras lang").contains(id))  // about 17 USD an hour
        #expect(!fired("Reply within 24 hours, salary 3000 USD per month").contains(id))  // a deadline, not work time
        #expect(!fired("Salary 3000 USD per month, office just 10 minutes from the metro").contains(id))
        #expect(fired("$60 per hour, only 2 hours a day").contains(id))  // hourly as it is
        #expect(!fired("$18 per hour, only 2 hours a day").contains(id))
    }

    @Test func statedWorkTimeReadsRangesUnitsAndLanguages() {
        func hours(_ text: String) -> Double? { StatedWorkTime.longest(in: text, scratch: MatchScratch())?.hours }
        #expect(hours("only 1-2 hours a day") == 2)
        #expect(hours("just 30 minutes a day") == 0.5)
        #expect(hours("chỉ 30 phút mỗi ngày") == 0.5)
        #expect(hours("2 oras lang kada araw") == 2)
        #expect(hours("trabajando solo 2 horas") == 2)
        #expect(hours("seulement 2 heures de travail") == 2)
        #expect(hours("hanya 1 jam sehari") == 1)
        #expect(hours("每天只需3小时") == 3)
        #expect(hours("nur 2,5 Stunden am Tag") == 2.5)
        #expect(hours("respond within 24 hours") == nil)
        #expect(hours("open 2 hours") == nil)  // no "a day", no "only" next to work
        #expect(hours("the office is just 10 minutes from the metro") == nil)
        #expect(hours("apply in only 2 minutes") == nil)
        #expect(hours("reply in just 2 hours") == nil)
        #expect(hours("2 oras lang ang biyahe") == nil)  // a 2-hour trip
        #expect(hours("une pause chaque 2 heures") == nil)  // "que" inside a word is not "only"
        let text = "Pay: $100. Only 2 hours a day."
        let mention = StatedWorkTime.longest(in: text, scratch: MatchScratch())
        #expect(mention.map { Array(text.utf8)[$0.start..<$0.end] } == Array("2 hours a day".utf8)[...])
    }

    @Test func chatOnlyContactNeedsNoOrganisationContact() {
        #expect(fired("contact @hr_lisa").contains("HEUR_CHAT_ONLY_CONTACT"))
        #expect(fired("wa.me/15550134567").contains("HEUR_CHAT_ONLY_CONTACT"))
        #expect(!fired("contact @hr_lisa or apply at careers.northwind.example").contains("HEUR_CHAT_ONLY_CONTACT"))
        #expect(!fired("contact @hr_lisa or jobs@northwind.example").contains("HEUR_CHAT_ONLY_CONTACT"))
        #expect(!fired("no contact at all").contains("HEUR_CHAT_ONLY_CONTACT"))
    }

    @Test func freeMailOnlyContact() {
        #expect(fired("send your CV to northwind.hr@gmail.com").contains("HEUR_FREE_MAIL_ONLY_CONTACT"))
        #expect(!fired("send your CV to northwind.hr@gmail.com or apply on northwind.example").contains("HEUR_FREE_MAIL_ONLY_CONTACT"))
    }

    @Test func heuristicsNeedKnownKindsAndTactics() {
        let unknownKind = Self.settings.replacingOccurrences(of: "kind: chat_only_contact", with: "kind: vibes")
        #expect(Fixture.diagnostics(Fixture.files(Fixture.sample, settings: unknownKind)).map(\.code).contains(.invalidHeuristic))
        let noThreshold = Self.settings.replacingOccurrences(of: "    threshold: 250\n", with: "")
        #expect(Fixture.diagnostics(Fixture.files(Fixture.sample, settings: noThreshold)).map(\.code).contains(.invalidHeuristic))
        let unknownTactic = Self.settings.replacingOccurrences(of: "tactic: upfront_fee\n    weight: 0.25", with: "tactic: nope\n    weight: 0.25")
        #expect(Fixture.diagnostics(Fixture.files(Fixture.sample, settings: unknownTactic)).map(\.code).contains(.unknownTactic))
    }

    @Test func unknownViewIsRF020() throws {
        let rules = Fixture.sample.replacingOccurrences(of: "describe: Asks for a training fee", with: "describe: Asks for a training fee\n    view: cooked")
        let found = try #require(Fixture.diagnostics(Fixture.files(rules)).first { $0.code == .unknownView })
        #expect(found.ruleID == "FEE_TRAINING")
    }

    @Test func rawViewSeesCaseAndDisguises() throws {
        let rules = """
            rules:
              - id: RAW_TELEGRAM
                tactic: offplatform
                weight: 1
                languages: [any]
                describe: Telegram written plainly, capitalised
                pattern: 'Telegram'
                flags: [case-sensitive]
                view: raw
                match: ["on Telegram"]
                nomatch: ["on telegram", "on T e l e g r a m"]
            """
        let report = RuleSetChecks(ruleSet: try RuleSet.load(Fixture.files(rules))).testExamples()
        #expect(report.failures.isEmpty, "\(report.failures)")
    }
}

@Suite struct BoundsTests {
    static let slowRules = """
        rules:
          - id: SLOW_A
            tactic: offplatform
            weight: 1
            languages: [any]
            describe: Quadratic scan
            pattern: '(?:a|aa){0,30}b'
            match: ["ab"]
            nomatch: ["c"]
          - id: SLOW_B
            tactic: offplatform
            weight: 1
            languages: [any]
            describe: Quadratic scan again
            pattern: '(?:a|aa){0,30}c'
            match: ["ac"]
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

    @Test func aSpentTimeBudgetSkipsTheRemainingRulesWithAWarning() throws {
        let ruleSet = try RuleSet.load(Fixture.files(Self.slowRules))
        let text = String(repeating: "a", count: 200_000) + " telegram"
        // PCRE2 without the prefilter: the slow rules would not be candidates for this text.
        let verdict = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, timeBudget: 0, engine: .pcre2, prefiltered: false)
            .classify(text)
        let warning = try #require(verdict.warnings.first { $0.code == "time_budget" })
        #expect(warning.message.contains("2 pattern rules were not run"))
        #expect(!verdict.evidence.contains { $0.rule == "OFF_TELEGRAM" })
        let patient = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, timeBudget: 60).classify(text)
        #expect(patient.warnings.isEmpty)
        #expect(patient.evidence.contains { $0.rule == "OFF_TELEGRAM" })
    }

    @Test func aHugeTextIsReadUpToTheLimit() throws {
        let ruleSet = try RuleSet.load(Fixture.files(Fixture.sample))
        let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, maxTextBytes: 1_000)
        // A multi-byte character straddles the limit: the cut steps back to its start.
        let text = String(repeating: "é", count: 499) + "x€" + String(repeating: " telegram", count: 1_000)
        let verdict = scanner.classify(text)
        let warning = try #require(verdict.warnings.first { $0.code == "truncated" })
        #expect(warning.message == "text of \(text.utf8.count) bytes: only the first 999 were read")
        #expect(verdict.evidence.isEmpty)
        let early = scanner.classify("write on telegram " + String(repeating: "x", count: 5_000))
        #expect(early.evidence.map(\.rule) == ["OFF_TELEGRAM"])
        #expect(early.warnings.map(\.code) == ["truncated"])
    }

    @Test func vagueAdvertFiresOnlyWithoutEmployerPlaceDutiesOrOrganisationContact() throws {
        let settings = Fixture.settings + """

            heuristics:
              - id: HEUR_VAGUE_ADVERT
                kind: vague_advert
                tactic: task_scam
                offer: __OFFER
                details: [__EMPLOYER, __DUTIES]
                weight: 0.5
                describe: A job offer without details
            """
        let rules = """
            rules:
              - id: __OFFER
                languages: [any]
                pattern: '\\bhiring\\b'
              - id: __EMPLOYER
                languages: [any]
                pattern: '\\bltd\\b'
              - id: __DUTIES
                languages: [any]
                pattern: '\\bduties\\b'
            """
        let scanner = RuleScanner(ruleSet: try RuleSet.load(Fixture.files(rules, settings: settings)), identifyLanguage: false)
        func fires(_ text: String) -> Bool { scanner.classify(text).evidence.contains { $0.rule == "HEUR_VAGUE_ADVERT" } }
        #expect(fires("We are hiring now, great pay, message me"))
        #expect(!fires("Acme Ltd is hiring a clerk"))
        #expect(!fires("Hiring: duties include filing and phone calls"))
        #expect(!fires("We are hiring, apply at https://careers.acme-logistics.test/jobs/17"))
        #expect(!fires("Great pay, message me"))
        let evidence = try #require(scanner.classify("We are hiring now").evidence.first { $0.rule == "HEUR_VAGUE_ADVERT" })
        #expect(evidence.text == "hiring" && evidence.parts == ["__OFFER"])

        // A heuristic naming a rule no file defines is refused with RF021.
        let broken = settings.replacingOccurrences(of: "__DUTIES]", with: "__NOWHERE]")
        let diagnostics = Fixture.diagnostics(Fixture.files(rules, settings: broken))
        let refused = diagnostics.contains { (diagnostic: Diagnostic) in diagnostic.code == .invalidHeuristic && diagnostic.ruleID == "HEUR_VAGUE_ADVERT" }
        #expect(refused)
    }
}
