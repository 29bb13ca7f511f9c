import Foundation
import Testing

@testable import RedFlagRegex

/// Slices `subject` at a byte span, for readable assertions.
func slice(_ subject: String, _ span: MatchSpan) -> String {
    String(decoding: Array(subject.utf8)[span.start..<span.end], as: UTF8.self)
}

@Suite struct CompiledPatternTests {
    let scratch = MatchScratch()

    @Test func findsEveryMatchLeftToRight() throws {
        let pattern = try CompiledPattern(#"\btele(?:gram)?\b"#)
        let subject = "Telegram, TELE, telegrams, tele"
        let spans = try pattern.matches(in: subject, scratch: scratch)
        #expect(spans.map { slice(subject, $0) } == ["Telegram", "TELE", "tele"])
    }

    @Test func isCaselessByDefaultAndCaseSensitiveOnRequest() throws {
        let caseless = try CompiledPattern("usdt")
        let sensitive = try CompiledPattern("usdt", options: [])
        #expect(try caseless.firstMatch(in: "send 50 USDT", scratch: scratch) != nil)
        #expect(try sensitive.firstMatch(in: "send 50 USDT", scratch: scratch) == nil)
    }

    @Test func caselessMatchingFoldsKelvinAndLongS() throws {
        // PCRE2 folds K with the Kelvin sign (U+212A) and s with long s (U+017F) under UTF + caseless.
        let pattern = try CompiledPattern("work")
        let subject = "Wor\u{212A} from home"
        let span = try #require(try pattern.firstMatch(in: subject, scratch: scratch))
        #expect(slice(subject, span) == "Wor\u{212A}")
    }

    @Test func offsetsAreUTF8BytesOfTheOriginal() throws {
        let pattern = try CompiledPattern("rémunération")
        let subject = "Très bonne rémunération"
        let span = try #require(try pattern.firstMatch(in: subject, scratch: scratch))
        #expect(span.start == "Très bonne ".utf8.count)
        #expect(slice(subject, span) == "rémunération")
    }

    @Test func unicodePropertiesApplyToWordBoundaries() throws {
        // With UCP, \w covers accented letters, so \b does not split "payé".
        let pattern = try CompiledPattern(#"\bpay\b"#)
        #expect(try pattern.firstMatch(in: "être payé", scratch: scratch) == nil)
        #expect(try pattern.firstMatch(in: "we pay daily", scratch: scratch) != nil)
    }

    @Test func lookBehindSeesTextBeforeTheStartOffset() throws {
        // The whole subject is passed with an offset, so the second match still sees "@" before it.
        let pattern = try CompiledPattern(#"(?<=@)\w+"#)
        let subject = "@anna and @bob_hr"
        let spans = try pattern.matches(in: subject, scratch: scratch)
        #expect(spans.map { slice(subject, $0) } == ["anna", "bob_hr"])
    }

    @Test func emptyMatchesAdvanceByWholeCharacters() throws {
        let pattern = try CompiledPattern("x*")
        let subject = "éxé"
        let spans = try pattern.matches(in: subject, scratch: scratch)
        // Every span starts on a character boundary; the run of x is found once.
        let bytes = Array(subject.utf8)
        #expect(spans.allSatisfy { $0.start == bytes.count || bytes[$0.start] & 0xC0 != 0x80 })
        #expect(spans.contains { slice(subject, $0) == "x" })
    }

    @Test func emptySubjectIsMatchedSafely() throws {
        #expect(try CompiledPattern("^$").firstMatch(in: "", scratch: scratch) == MatchSpan(start: 0, end: 0))
        #expect(try CompiledPattern("a").firstMatch(in: "", scratch: scratch) == nil)
    }

    @Test func compileErrorsCarryPCRE2MessageAndOffset() {
        #expect(throws: PatternCompileError.self) { try CompiledPattern("(unclosed") }
        do {
            _ = try CompiledPattern("abc(?<=a+)")
            Issue.record("a variable-length look-behind compiled")
        } catch {
            #expect(error.message.contains("lookbehind"))
            #expect(error.offset > 0 && error.offset <= 10)
        }
    }

    @Test func flagsChangeTheMeaning() throws {
        let dotAll = try CompiledPattern("a.b", options: [.caseless, .dotAll])
        let plain = try CompiledPattern("a.b")
        #expect(try dotAll.firstMatch(in: "a\nb", scratch: scratch) != nil)
        #expect(try plain.firstMatch(in: "a\nb", scratch: scratch) == nil)
        let multiline = try CompiledPattern("^b", options: [.multiline])
        #expect(try multiline.firstMatch(in: "a\nb", scratch: scratch) != nil)
        let extended = try CompiledPattern("a b # comment", options: [.extended])
        #expect(try extended.firstMatch(in: "ab", scratch: scratch) != nil)
    }

    @Test func patternsAreJITCompiled() throws {
        #expect(try CompiledPattern(#"\bvisa\b"#).isJITCompiled)
    }

    @Test func interpretedAndJITCompiledMatchesAreTheSameOnEveryThread() throws {
        let pattern = try CompiledPattern(#"\b(?:tele|wh?ats)\w+\b"#)
        let subject = "Write on Telegram, or WhatsApp: telegram.me/x and WHATSAPP"
        let jitAvailable = try CompiledPattern("x").isJITCompiled
        // The first two uses run PCRE2's interpreter, the third and later the JIT-compiled copy.
        let interpreted = try pattern.matches(in: subject, scratch: scratch)
        #expect(interpreted.count == 4)
        #expect(try pattern.matches(in: subject, scratch: scratch) == interpreted)
        #expect(!pattern.hasJITCode)
        #expect(try pattern.matches(in: subject, scratch: scratch) == interpreted)
        #expect(pattern.hasJITCode == jitAvailable)
        // A long subject is matched JIT-compiled from the first use.
        let long = try CompiledPattern(#"\bvisa\b"#)
        #expect(try long.firstMatch(in: String(repeating: "a ", count: 3_000) + "visa", scratch: scratch) != nil)
        #expect(long.hasJITCode == jitAvailable)
        // 64 threads on a pattern compiled at first use: compilation and JIT under contention, same answers.
        let fresh = CompiledPattern(deferred: pattern.source)
        var results = [[MatchSpan]](repeating: [], count: 64)
        results.withUnsafeMutableBufferPointer { results in
            nonisolated(unsafe) let slots = results
            DispatchQueue.concurrentPerform(iterations: 64) { i in
                slots[i] = (try? fresh.matches(in: subject, scratch: MatchScratch())) ?? []
            }
        }
        #expect(results.allSatisfy { $0 == interpreted })
        #expect(fresh.hasJITCode == jitAvailable)
    }

    @Test func runawayPatternStopsAtTheMatchLimitInterpretedAndJITCompiled() throws {
        let pattern = try CompiledPattern("(a+)+$")
        let subject = String(repeating: "a", count: 40) + "!"
        let tight = MatchScratch(limits: MatchLimits(matchLimit: 10_000))
        // Uses 1 and 2 are interpreted, 3 and 4 JIT-compiled: both stop at the limit.
        for _ in 0..<4 {
            #expect(throws: MatchError.limitExceeded("match limit")) {
                _ = try pattern.firstMatch(in: subject, scratch: tight)
            }
        }
    }

    @Test func aCompiledPatternIsSharedAcrossThreads() async throws {
        let pattern = try CompiledPattern(#"\busdt\b"#)
        let counts = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let scratch = MatchScratch()
                    let subject = String(repeating: "pay \(worker) USDT now. ", count: 200)
                    return (try? pattern.matches(in: subject, scratch: scratch).count) ?? -1
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == [200, 200, 200, 200])
    }

    @Test func versionIsReported() {
        #expect(pcre2Version.hasPrefix("10."))
    }

    @Test func windowsConfineWhereMatchesStart() throws {
        let pattern = try CompiledPattern(#"\bfee\w*"#)
        let subject = "fee one, fees two, feeder three"
        let all = try pattern.matches(in: subject, scratch: scratch)
        #expect(all.map { slice(subject, $0) } == ["fee", "fees", "feeder"])
        func windowed(_ windows: [StartWindow]?) throws -> [String] {
            var spans: [MatchSpan] = []
            try pattern.forEachMatch(in: subject, startingIn: windows, scratch: scratch) { spans.append($0); return true }
            return spans.map { slice(subject, $0) }
        }
        // Windows holding every start give every match; a match may run past its window.
        #expect(try windowed([StartWindow(first: 0, last: 0), StartWindow(first: 5, last: 9), StartWindow(first: 19, last: 19)]) == ["fee", "fees", "feeder"])
        #expect(try windowed(nil) == ["fee", "fees", "feeder"])
        // Starts outside every window are not tried.
        #expect(try windowed([StartWindow(first: 5, last: 10)]) == ["fees"])
        #expect(try windowed([]) == [])
        // The limit is the match context's for one call only: a later whole search sees every match.
        #expect(try pattern.matches(in: subject, scratch: scratch).count == 3)
    }

    @Test func aWindowStartingInsideACharacterStartsOnIt() throws {
        let pattern = try CompiledPattern(#"été"#)
        let subject = "un été"  // "é" is two bytes: 3 and 4
        var spans: [MatchSpan] = []
        try pattern.forEachMatch(in: subject, startingIn: [StartWindow(first: 4, last: 4)], scratch: scratch) { spans.append($0); return true }
        #expect(spans.map { slice(subject, $0) } == ["été"])
    }
}
