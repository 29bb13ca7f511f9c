import Foundation
import Testing

@testable import RedFlagRegex

@Suite struct RequiredLiteralsTests {
    func condition(_ pattern: String, _ options: PatternOptions = .default) -> LiteralCondition? {
        RequiredLiterals.extract(pattern, options: options)
    }

    func bytes(_ text: String) -> LiteralCondition { .literal(Array(text.utf8)) }

    @Test func aSequenceNeedsEachOfItsWords() {
        #expect(condition(#"\bWork\s+from\s+home\b"#) == .all([bytes("work"), bytes("from"), bytes("home")]))
    }

    @Test func anAlternationNeedsOneOfItsBranches() {
        #expect(condition(#"\b(?:pay|send)\s+(?:a\s+)?fee"#) == .all([.any([bytes("pay"), bytes("send")]), bytes("fee")]))
        #expect(condition(#"telegram|\bwa\.me/\d+"#) == .any([bytes("telegram"), bytes("wa.me/")]))
    }

    @Test func extendedModeSkipsSpaceAndComments() {
        #expect(condition("tele gram  # the app\n", [.caseless, .extended]) == bytes("telegram"))
        #expect(condition("tele gram", .caseless) == bytes("tele gram"))
    }

    @Test func smallClassesOfCaselessCharactersAreLiterals() {
        #expect(condition("[垫墊]付") == .any([bytes("垫付"), bytes("墊付")]))
        // Cased letters outside ASCII may match another case: literals in each case.
        #expect(condition("été") == .any(["ÉtÉ", "Été", "étÉ", "été"].map(bytes)))
        #expect(condition("được")?.literals.count == 8)  // đ/Đ, ư/Ư, ợ/Ợ
        // Outside the known blocks, or sharing a case with ASCII (long s): unknown.
        #expect(condition("ſſſ") == nil)
    }

    @Test func quotedTextKeepsEveryCaseAndSkippedSyntaxIsNotQuantified() {
        #expect(condition(#"\Qété\E"#) == .any(["ÉtÉ", "Été", "étÉ", "été"].map(bytes)))
        // A quantifier after a comment, \E or an empty \Q\E applies to the atom before it in PCRE2: unknown here.
        #expect(condition(#"xy(?#c){0}z"#) == nil)
        #expect(condition(#"xy\E?z"#) == nil)
        #expect(condition(#"xy\Q\E?z"#) == nil)
        #expect(condition(#"[\Qab]\E]cd"#) == nil)  // \Q in a class quotes the bracket
        #expect(condition(#"a\N{U+41}bc"#) == nil)
        #expect(condition(#"ab{,3}cd"#) == nil)  // a quantifier in newer PCRE2
    }

    @Test func optionalPiecesAndUnknownSyntaxNeedNothing() {
        #expect(condition(#"(?:telegram)?\d+"#) == nil)
        #expect(condition(#"(\w+) \1"#) == nil)
        #expect(condition(#"a|telegram"#) == nil)  // one branch has no literal worth searching for
        #expect(condition(#"(?=telegram)\w+"#) == nil)  // look-arounds count as empty
    }

    func lead(_ pattern: String, _ options: PatternOptions = .default) -> LeadLiterals? {
        RequiredLiterals.analyze(pattern, options: options).lead
    }

    func leadOf(_ offset: Int, _ strings: String...) -> LeadLiterals {
        LeadLiterals(maxOffset: offset, strings: strings.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func aLeadIsTheFirstLiteralAfterABoundedStart() {
        #expect(lead(#"\bPay\s+(?:a\s+)?fee"#) == leadOf(0, "pay"))
        #expect(lead(#"\b(?:we|you)\s{1,3}pay|send\s+money"#) == leadOf(0, "send", "we", "you"))
        // Bounded parts before it count at their longest: four bytes a character.
        #expect(lead(#"\w{0,5}-?fee"#) == leadOf(21, "fee"))
        #expect(lead(#"\d{1,3}\s?(?:usd|eur)"#) == leadOf(16, "eur", "usd"))
        #expect(lead(#"(?=x)(?<!y)fee"#) == leadOf(0, "fee"))  // look-arounds take no room
        #expect(lead(#"(?:a|pay)fee"#) == leadOf(0, "afee", "payfee"))
        // A lead repeated at least once starts with the piece.
        #expect(lead(#"(?:fee\s)+now"#) == leadOf(0, "fee"))
        // An optional first piece with a lead: a match starts with it or with what follows.
        #expect(lead(#"(?:fee)?pay"#) == leadOf(0, "fee", "pay"))
        #expect(lead(#"(?:private\s{1,3})?financial\s+agents?"#) == leadOf(0, "financial", "private"))
        #expect(lead(#"(?:₱\s?\d[\d,.]*\s?-\s?)?₱\s?\d{3}"#) == leadOf(0, "₱"))
        #expect(lead(#"(?:fee)?\w+pay"#) == nil)  // without it, nothing leads
        #expect(lead(#"x?(?:fee)?pay"#) == leadOf(4, "pay"))  // only the first piece counts so
        // A piece too short to search for leads with its first repetitions together.
        #expect(lead(#"\bx{2,}\s?k"#) == leadOf(0, "xx"))
        #expect(lead(#"(?:a|b){3}c?"#) == leadOf(0, "aa", "ab", "ba", "bb"))
        #expect(lead(#"x{1,5}"#) == nil)
    }

    @Test func noLeadAfterAnUnboundedPartOrAShortBranch() {
        #expect(lead(#"\w+fee"#) == nil)
        #expect(lead(#"fee|\w+"#) == nil)  // one branch has none
        // \G and \K tie a match to where the attempt started: never windowed.
        #expect(lead(#"\Gfee"#) == nil)
        #expect(lead(#"pay\Kfee"#) == nil)
    }

    @Test func unboundedRunsOfSpacesAndDigitsAreSkipped() {
        let skipping = { (offset: Int, strings: [String]) in
            LeadLiterals(maxOffset: offset, skipsSpacesAndDigits: true, strings: strings.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
        }
        #expect(lead(#"\s+fee"#) == skipping(0, ["fee"]))
        // "u" is too short to search for: the lead is the next literal, past "we|u" (two bytes) and \s+.
        #expect(lead(#"\b(?:we|u)\s+pay"#) == skipping(2, ["pay"]))
        #expect(lead(#"\d+\s*(?:usd|eur)"#) == skipping(0, ["eur", "usd"]))
        #expect(lead(#"(?:\s+x)+fee"#) == nil)  // an unbounded repeat of more than spaces and digits
    }

    /// The skipped runs must cover every character PCRE2's UCP `\s` and `\d` match: checked over all of Unicode.
    @Test func everySpaceAndDigitOfPCRE2IsSkipped() throws {
        var all = ""
        for value in UInt32(0)...0x10FFFF {
            if let scalar = Unicode.Scalar(value) { all.unicodeScalars.append(scalar) }
        }
        let spacesAndDigits = try CompiledPattern(#"[\s\d]"#)
        var missed: [UInt32] = []
        let bytes = Array(all.utf8)
        for span in try spacesAndDigits.matches(in: all, scratch: MatchScratch()) {
            let scalar = String(decoding: bytes[span.start..<span.end], as: UTF8.self).unicodeScalars.first!
            if !LeadLiterals.mayBeSpaceOrDigit(scalar) { missed.append(scalar.value) }
        }
        #expect(missed.isEmpty, "\(missed.map { String($0, radix: 16) })")
        #expect(!LeadLiterals.mayBeSpaceOrDigit("a") && !LeadLiterals.mayBeSpaceOrDigit("é") && !LeadLiterals.mayBeSpaceOrDigit("$"))
        // And every digit, for digit leads (`includesDigits`).
        var missedDigits: [UInt32] = []
        for span in try CompiledPattern(#"\d"#).matches(in: all, scratch: MatchScratch()) {
            let scalar = String(decoding: bytes[span.start..<span.end], as: UTF8.self).unicodeScalars.first!
            if !LeadLiterals.mayBeDigit(scalar) { missedDigits.append(scalar.value) }
        }
        #expect(missedDigits.isEmpty, "\(missedDigits.map { String($0, radix: 16) })")
        #expect(LeadLiterals.mayBeDigit("٣") && !LeadLiterals.mayBeDigit(" ") && !LeadLiterals.mayBeDigit("x"))
    }

    @Test func aDigitLeadsOnlyWhereNoLiteralDoes() {
        let digits = { (offset: Int, strings: [String]) in
            LeadLiterals(maxOffset: offset, includesDigits: true, strings: strings.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
        }
        #expect(lead(#"\d[\d,.]*\s?k?\s*per\s+day"#) == digits(0, []))
        // A match starts with "us", or has "$" and \s? (5 bytes) before the digit; the other branch leads with "fee".
        #expect(lead(#"(?:us)?\$\s?\d+|fee"#) == digits(5, ["fee", "us"]))
        #expect(lead(#"\d{1,3}(?:,\d{3})*\s?(?:/|a)\s?day"#) == digits(0, []))
        // A literal lead wins where there is one.
        #expect(lead(#"\d{1,3}\s?(?:usd|eur)"#) == leadOf(16, "eur", "usd"))
        // An optional digit, or one after an unbounded part, leads nothing.
        #expect(lead(#"fee|\d*x"#) == nil)
        #expect(lead(#"\w+\d"#) == nil)
        #expect(lead(#"\G\d"#) == nil)
    }

    @Test func positionalLiteralsReportEveryOccurrence() throws {
        let literals: [(id: Int, literal: [UInt8])] = [(0, Array("fee".utf8)), (1, Array("pay".utf8))]
        var backends: [LiteralPrefilter.Backend] = [.table]
        if LiteralPrefilter.isHyperscanSupported { backends.append(.hyperscan) }
        for backend in backends {
            let prefilter = try LiteralPrefilter(literals: literals, backend: backend, positional: [0])
            var found = [false, false]
            var occurrences = LiteralOccurrences()
            #expect(prefilter.scan("FEE, pay the fee, pay", scratch: PrefilterScratch(), candidates: &found, occurrences: &occurrences))
            #expect(found == [true, true], "\(backend)")
            // Only the positional id, at each of its ends.
            #expect(occurrences.ids == [0, 0] && occurrences.ends.sorted() == [3, 16], "\(backend)")
        }
    }

    /// A Hyperscan database serialized by one process is read back by the next only for the very literals and
    /// flags it was compiled from; damaged bytes are compiled over, never trusted.
    @Test(.enabled(if: LiteralPrefilter.isHyperscanSupported))
    func aSerializedDatabaseIsReadBackOnlyForItsOwnLiterals() throws {
        let literals: [(id: Int, literal: [UInt8])] = [(0, Array("fee".utf8)), (1, Array("pay".utf8)), (2, Array("telegram".utf8))]
        let text = "Pay the FEE on Telegram, pay"
        func results(_ prefilter: LiteralPrefilter) -> (found: [Bool], ends: [Int]) {
            var found = [Bool](repeating: false, count: 4)
            var occurrences = LiteralOccurrences()
            _ = prefilter.scan(text, scratch: PrefilterScratch(), candidates: &found, occurrences: &occurrences)
            return (found, occurrences.ends.sorted())
        }
        let compiled = try LiteralPrefilter(literals: literals, backend: .hyperscan, positional: [1])
        #expect(!compiled.isDeserialized)
        let expected = results(compiled)
        #expect(expected.found == [true, true, true, false] && expected.ends == [3, 28])
        let bytes = try #require(compiled.serialized())
        let list = LiteralList(literals)
        let readBack = try LiteralPrefilter(list: list, backend: .hyperscan, positionalByID: [false, true], serialized: bytes)
        #expect(readBack.isDeserialized)
        #expect(results(readBack) == expected)
        // Other literals, or other positional ids: compiled anew, and right for what they are.
        let more = LiteralList(literals + [(3, Array("visa".utf8))])
        let other = try LiteralPrefilter(list: more, backend: .hyperscan, positionalByID: [false, true], serialized: bytes)
        #expect(!other.isDeserialized)
        var found = [Bool](repeating: false, count: 4)
        #expect(other.scan("a visa fee", scratch: PrefilterScratch(), candidates: &found) && found == [true, false, false, true])
        let unpositioned = try LiteralPrefilter(list: list, backend: .hyperscan, positionalByID: [], serialized: bytes)
        #expect(!unpositioned.isDeserialized && results(unpositioned).ends.isEmpty)
        // Cut short, lengthened, or any byte flipped: refused (or, in Hyperscan's unchecked reserved words,
        // harmless); the prefilter always finds what the compiled one finds.
        #expect(try !LiteralPrefilter(list: list, backend: .hyperscan, positionalByID: [false, true], serialized: Array(bytes.dropLast())).isDeserialized)
        #expect(try !LiteralPrefilter(list: list, backend: .hyperscan, positionalByID: [false, true], serialized: bytes + [0]).isDeserialized)
        #expect(try !LiteralPrefilter(list: list, backend: .hyperscan, positionalByID: [false, true], serialized: []).isDeserialized)
        // Every byte of the digest and Hyperscan's header, then bytes spread over the rest.
        let positions = Array(0..<min(64, bytes.count)) + Array(stride(from: 64, to: bytes.count, by: max(1, bytes.count / 150)))
        for position in positions {
            var damaged = bytes
            damaged[position] ^= 0x5A
            let prefilter = try LiteralPrefilter(list: list, backend: .hyperscan, positionalByID: [false, true], serialized: damaged)
            #expect(results(prefilter) == expected)
        }
        // The table backend has nothing to serialize.
        #expect(try LiteralPrefilter(list: list, backend: .table).serialized() == nil)
    }

    /// The whole of Unicode, checked with PCRE2 itself: only the long s and the Kelvin sign match an ASCII
    /// character caselessly, so they are the only characters ASCII-caseless literal search can miss.
    @Test func onlyLongSAndKelvinSignFoldOntoASCII() throws {
        var all = ""
        for value in UInt32(0x80)...0x10FFFF {
            if let scalar = Unicode.Scalar(value) { all.unicodeScalars.append(scalar) }
        }
        let ascii = try CompiledPattern(#"[\x{0}-\x{7f}]"#)
        let found = try ascii.matches(in: all, scratch: MatchScratch()).map { span in
            String(decoding: Array(all.utf8)[span.start..<span.end], as: UTF8.self)
        }
        #expect(found == ["\u{017F}", "\u{212A}"])
        for character in found + ["x\u{212A}y"] {
            var text = character
            #expect(text.withUTF8 { RequiredLiterals.defeatsASCIIFolding($0) })
        }
        var plain = "work from home, é, ß, Ω"
        #expect(!plain.withUTF8 { RequiredLiterals.defeatsASCIIFolding($0) })
    }

    /// Every character PCRE2 matches caselessly with a letter of the expanded blocks is among that letter's
    /// variants: checked with PCRE2 itself, over all of Unicode.
    @Test func caselessVariantsCoverWhatPCRE2Equates() throws {
        var all = ""
        for value in UInt32(0x80)...0x10FFFF {
            if let scalar = Unicode.Scalar(value) { all.unicodeScalars.append(scalar) }
        }
        let scratch = MatchScratch()
        func scalars(matching pattern: String, in subject: String) throws -> [Unicode.Scalar] {
            let bytes = Array(subject.utf8)
            return try CompiledPattern(pattern).matches(in: subject, scratch: scratch).map {
                String(decoding: bytes[$0.start..<$0.end], as: UTF8.self).unicodeScalars.first!
            }
        }
        // Outside ASCII, the characters PCRE2 equates with some letter of the blocks are the blocks' and partners'.
        let blockClass = "[" + CaselessVariants.blocks.map { String(format: "\\x{%x}-\\x{%x}", $0.lowerBound, $0.upperBound) }.joined() + "]"
        let related = try scalars(matching: blockClass, in: all)
        let known = Set(CaselessVariants.blocks.flatMap { Array($0) } + CaselessVariants.partners)
        #expect(related.filter { !known.contains($0.value) }.isEmpty)
        // Each letter's variants hold every character PCRE2 matches with it (ASCII letters included in the pool).
        var pool = String(known.sorted().compactMap(Unicode.Scalar.init).map(Character.init))
        pool += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        var expanded = 0
        for value in known.sorted() {
            guard let scalar = Unicode.Scalar(value), let variants = CaselessVariants.variants(of: scalar) else { continue }
            let equated = try scalars(matching: String(format: "\\x{%x}", value), in: pool)
            #expect(Set(equated).isSubset(of: Set(variants)), "U+\(String(value, radix: 16)): PCRE2 \(equated), variants \(variants)")
            expanded += 1
        }
        #expect(expanded > 1_000)
    }

    @Test func bothBackendsFindTheSameLiterals() throws {
        let literals: [(id: Int, literal: [UInt8])] = ["telegram", "WhatsApp", "wa.me/", "垫付", "fee"].enumerated().map {
            (id: $0.offset, literal: Array($0.element.utf8))
        }
        let text = "Contact us on TELEGRAM or whatsapp: 垫付 now"
        var backends: [LiteralPrefilter.Backend] = [.table]
        if LiteralPrefilter.isHyperscanSupported { backends.append(.hyperscan) }
        for backend in backends {
            let prefilter = try LiteralPrefilter(literals: literals, backend: backend)
            var found = [Bool](repeating: false, count: 5)
            #expect(prefilter.scan(text, scratch: PrefilterScratch(), candidates: &found))
            #expect(found == [true, true, false, true, false], "\(backend)")
            var ignored = [Bool](repeating: false, count: 5)
            #expect(!prefilter.scan("Wor\u{212A} from home", scratch: PrefilterScratch(), candidates: &ignored))
        }
    }

    @Test func aLiteralListReadBackMustAddUp() {
        var list = LiteralList()
        list.append(id: 0, literal: Array("fee".utf8))
        list.append(id: 3, literal: Array("wa.me".utf8))
        #expect(list.count == 2 && Array(list.literal(1)) == Array("wa.me".utf8))
        #expect(LiteralList(bytes: list.bytes, offsets: list.offsets, ids: list.ids) == list)
        #expect(LiteralList(bytes: list.bytes, offsets: [0, 3], ids: list.ids) == nil)  // one offset short
        #expect(LiteralList(bytes: list.bytes, offsets: [0, 5, 3], ids: list.ids) == nil)  // not rising
        #expect(LiteralList(bytes: Array(list.bytes.dropLast()), offsets: list.offsets, ids: list.ids) == nil)
        #expect(LiteralList(bytes: list.bytes, offsets: list.offsets, ids: [0, -1]) == nil)
    }

    @Test func theTableSkipsOneByteLiteralsAndFoldsCapitals() throws {
        let list = LiteralList([(id: 0, literal: Array("x".utf8)), (id: 1, literal: Array("TeLe".utf8)), (id: 2, literal: Array("ab".utf8))])
        var backends: [LiteralPrefilter.Backend] = [.table]
        if LiteralPrefilter.isHyperscanSupported { backends.append(.hyperscan) }
        for backend in backends {
            let prefilter = try LiteralPrefilter(list: list, backend: backend)
            var found = [Bool](repeating: false, count: 3)
            #expect(prefilter.scan("x telegram, no a-b", scratch: PrefilterScratch(), candidates: &found))
            #expect(found == [false, true, false], "\(backend)")
            found = [false, false, false]
            #expect(prefilter.scan("AB", scratch: PrefilterScratch(), candidates: &found))
            #expect(found == [false, false, true], "\(backend)")
        }
    }
}
