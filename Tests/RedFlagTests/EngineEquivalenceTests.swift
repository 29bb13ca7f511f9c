import Foundation
import Testing

@testable import RedFlag
import RedFlagRegex

/// The engines only choose which rules PCRE2 runs: over the whole Corpus and a generated corpus of disguised
/// text, both give exactly the hits and spans of PCRE2 running every rule (issue 5: a prefilter must never lose
/// a match).
@Suite struct EngineEquivalenceTests {
    static let ruleSet = try! RuleSet.embedded()

    static var corpusTexts: [String] {
        let folder = URL(fileURLWithPath: patternsDirectory).deletingLastPathComponent().appendingPathComponent("Corpus/texts")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? []
        return files.filter { $0.hasSuffix(".jsonl") }.flatMap { file -> [String] in
            let contents = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
            return contents.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String
            }
        }
    }

    /// Corpus texts disguised the ways scammers and Unicode allow, mixed with a fixed seed.
    static func generatedTexts(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        let texts = corpusTexts
        let disguises: [(String) -> String] = [
            { $0.replacingOccurrences(of: "k", with: "\u{212A}").replacingOccurrences(of: "K", with: "\u{212A}") },
            { $0.replacingOccurrences(of: "s", with: "\u{017F}") },
            { $0.uppercased() },
            { String($0.map { $0 == "a" ? "а" : $0 == "e" ? "е" : $0 == "o" ? "о" : $0 }) },  // Cyrillic
            { $0.replacingOccurrences(of: " ", with: "\u{00A0}") },
            { $0.replacingOccurrences(of: "a", with: "a\u{200B}") },
            { String($0.unicodeScalars.map { $0.value >= 0x21 && $0.value <= 0x7E ? Character(Unicode.Scalar($0.value + 0xFEE0)!) : Character($0) }) },
            { $0.replacingOccurrences(of: "e", with: "e\u{0301}") },
            { $0.split(separator: " ").map { $0.count > 5 ? $0.map(String.init).joined(separator: " ") : String($0) }.joined(separator: " ") },
            { $0.replacingOccurrences(of: "l", with: "1").replacingOccurrences(of: "a", with: "4") },
            { $0.replacingOccurrences(of: "ss", with: "ß").replacingOccurrences(of: "s", with: "σ") },
            { $0 + " WorK from home, ſend ſalary via \u{212A}akao 💰💰" },
        ]
        return (0..<count).map { _ in
            var text = texts[Int(random.next() % UInt64(texts.count))]
            if random.next() % 3 == 0 { text += " " + texts[Int(random.next() % UInt64(texts.count))] }
            for _ in 0..<(1 + random.next() % 2) { text = disguises[Int(random.next() % UInt64(disguises.count))](text) }
            return text
        }
    }

    static func compare(_ texts: [String]) {
        let reference = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, timeBudget: 1e9, engine: .pcre2, prefiltered: false)
        let engines = MatchEngine.allCases.filter(\.isAvailable).map {
            RuleScanner(ruleSet: ruleSet, identifyLanguage: false, timeBudget: 1e9, engine: $0)
        }
        var differences = 0
        for text in texts {
            let expected = reference.hits(in: text, languages: [])
            for scanner in engines {
                let got = scanner.hits(in: text, languages: [])
                guard got.fired != expected.fired || got.spans != expected.spans else { continue }
                differences += 1
                let lost = ruleSet.rules.indices.filter { expected.fired[$0] != got.fired[$0] || expected.spans[$0] != got.spans[$0] }
                Issue.record("\(scanner.engine) differs on \(lost.map { ruleSet.rules[$0].id }) for: \(text.prefix(200))")
                if differences > 10 { return }
            }
        }
    }

    @Test func bothEnginesAreAvailableWhereHyperscanIs() {
        #expect(MatchEngine.pcre2.isAvailable)
        #expect(RuleScanner(ruleSet: Self.ruleSet, engine: .pcre2).engine == .pcre2)
        let hyperscan = RuleScanner(ruleSet: Self.ruleSet, engine: .hyperscan)
        #expect(hyperscan.engine == (MatchEngine.hyperscan.isAvailable ? .hyperscan : .pcre2))
    }

    @Test func enginesMatchPCRE2OnTheWholeCorpus() {
        let texts = Self.corpusTexts
        #expect(texts.count > 500)
        Self.compare(texts)
    }

    @Test func enginesMatchPCRE2OnAGeneratedCorpus() {
        Self.compare(Self.generatedTexts(count: 400, seed: 5))
    }

    /// The start windows assume that every match begins at most its rule's lead offset before one of its lead
    /// literals: checked on every match of every match example of the set, on the view the rule reads.
    @Test func everyExampleMatchHoldsItsLeadWhereTheWindowsExpectIt() throws {
        let scratch = MatchScratch()
        let normalizer = Normalizer()
        var checked = 0
        for rule in Self.ruleSet.rules {
            guard case .pattern(let pattern) = rule.body,
                let lead = RequiredLiterals.analyze(pattern.source, options: pattern.options).lead
            else { continue }
            for example in rule.examples.match {
                let views = normalizer.views(of: example.text)
                var text = rule.view == .raw ? example.text : rule.view == .folded ? views.folded.text : views.normalized.text
                if text.withUTF8({ RequiredLiterals.defeatsASCIIFolding($0) }) { continue }
                let bytes = text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
                for span in try pattern.matches(in: text, scratch: scratch) {
                    // The farthest a lead literal may start: maxOffset bytes on, runs of spaces and digits aside.
                    var farthest = span.start
                    var counted = 0
                    for scalar in String(decoding: bytes[span.start..<span.end], as: UTF8.self).unicodeScalars {
                        let width = String(scalar).utf8.count
                        if !(lead.skipsSpacesAndDigits && LeadLiterals.mayBeSpaceOrDigit(scalar)) {
                            guard counted + width <= lead.maxOffset else { break }
                            counted += width
                        }
                        farthest += width
                    }
                    let held = (span.start...farthest).contains { at in
                        lead.strings.contains { literal in
                            at + literal.count <= span.end && bytes[at..<(at + literal.count)].elementsEqual(literal)
                        } || lead.includesDigits && at < span.end && (bytes[at] & 0xC0) != 0x80
                            && String(decoding: bytes[at..<min(at + 4, bytes.count)], as: UTF8.self).unicodeScalars.first
                                .map(LeadLiterals.mayBeDigit) == true
                    }
                    #expect(held, "\(rule.id): no lead literal where expected in \(text.prefix(120))")
                    checked += 1
                }
            }
        }
        #expect(checked > 1_000)
    }

    /// Issue 5's trap: caseless PCRE2 reads the Kelvin sign as k and the long s as s, which an ASCII literal
    /// search does not.
    /// A rule led by a digit alone may read a view the literal search never looks at: the Kelvin sign must still
    /// turn windows off there (its lead offset counts `k` as one byte, the sign has three).
    @Test func aDigitLedRuleOnAViewWithoutLiteralsSeesTheKelvinSign() throws {
        let rules = try RuleSet.load(Fixture.files("""
            rules:
              - id: RAW_KK_DIGITS
                tactic: offplatform
                weight: 1
                languages: [any]
                view: raw
                describe: Two k then digits
                pattern: 'k-?k\\d{2}'
                match: ["kk12"]
                nomatch: ["k12"]
            """))
        let text = "ref k\u{212A}12"
        let reference = RuleScanner(ruleSet: rules, identifyLanguage: false, engine: .pcre2, prefiltered: false)
        let expected = reference.hits(in: text)
        #expect(expected.firedIDs(in: rules) == ["RAW_KK_DIGITS"])
        for engine in MatchEngine.allCases where engine.isAvailable {
            let hits = RuleScanner(ruleSet: rules, identifyLanguage: false, engine: engine).hits(in: text)
            #expect(hits.firedIDs(in: rules) == ["RAW_KK_DIGITS"], "\(engine)")
            #expect(RuleScanner(ruleSet: rules, identifyLanguage: false, engine: engine).classify(text).json(id: .line(0))
                == reference.classify(text).json(id: .line(0)), "\(engine)")
        }
    }

    @Test func digitStartsAreFoundInEveryScript() {
        // ASCII 1 at 1, Arabic-Indic ٣ at 3 (two bytes), fullwidth ３ at 7 (three), double-struck 𝟘 at 11 (four).
        var text = "a1 ٣x ３ 𝟘 b"
        #expect(text.withUTF8 { RulePrefilter.digitStarts(in: $0) } == [1, 3, 7, 11])
    }

    @Test func kelvinSignAndLongSAreNotLost() throws {
        let text = "Wor\u{212A} from home and \u{017F}end your \u{017F}alary by Telegram"
        let rules = try RuleSet.load(Fixture.files("""
            rules:
              - id: RAW_WORK_HOME
                tactic: offplatform
                weight: 1
                languages: [any]
                view: raw
                describe: Work from home
                pattern: '\\bwork\\s+from\\s+home\\b'
                match: ["work from home"]
                nomatch: ["work at the office"]
              - id: RAW_SEND_SALARY
                tactic: offplatform
                weight: 1
                languages: [any]
                view: raw
                describe: Send salary
                pattern: 'send\\s+your\\s+salary'
                match: ["send your salary"]
                nomatch: ["keep your salary"]
            """))
        for engine in MatchEngine.allCases where engine.isAvailable {
            let hits = RuleScanner(ruleSet: rules, identifyLanguage: false, engine: engine).hits(in: text)
            #expect(hits.firedIDs(in: rules) == ["RAW_WORK_HOME", "RAW_SEND_SALARY"], "\(engine)")
        }
    }
}

