/// Strings one of which every match of a pattern contains, found by reading the pattern: the input of a literal
/// prefilter.
///
/// The strings are UTF-8 bytes with ASCII letters in lower case, meant to be searched for ASCII-caselessly.
/// Characters outside ASCII are kept as written when they have no other case (Han, digits of other scripts…), and
/// as each of their cases for the letters `CaselessVariants` knows; other cased characters are unknown. So a
/// caseless PCRE2 match can only contain one of the strings as listed. ASCII-caseless search still misses the two non-ASCII
/// characters PCRE2 folds onto ASCII letters, the Kelvin sign (k) and the long s (s): a text holding one of them
/// must not be prefiltered (see `RequiredLiterals.defeatsASCIIFolding`).
///
/// The reading is conservative: anything it does not understand (backreferences, conditionals, verbs, classes
/// with ranges) counts as "any text", and a pattern with no required literal gets none (`nil`): it must always
/// run.
public enum RequiredLiterals {
    /// At most this many strings per set of exact strings (alternations multiply them).
    static let maxSetSize = 64
    /// A set whose shortest string is shorter than this is not worth prefiltering on.
    public static let minimumLength = 2

    /// A condition on the literals a text contains that every text with a match of `source` meets, or nil when
    /// the pattern needs no literal worth searching for (it must always run).
    public static func extract(_ source: String, options: PatternOptions) -> LiteralCondition? {
        analyze(source, options: options).condition
    }

    /// The pattern's literal condition (as `extract`) and its lead (see `LeadLiterals`), read in one pass.
    public static func analyze(_ source: String, options: PatternOptions) -> (condition: LiteralCondition?, lead: LeadLiterals?) {
        let scalars = Array(source.unicodeScalars)
        var parser = LiteralParser(scalars, extended: options.contains(.extended))
        guard let info = try? parser.parseAll() else { return (nil, nil) }
        let condition = info.condition
        var lead = parser.movesMatchStart ? nil : leadLiterals(info.effectiveLead)
        if lead == nil && !parser.movesMatchStart {
            // No literal leads every match: a decimal digit may (`[$€]\s?\d+`, `\d{1,3}k?\s*per`). Digits are
            // everywhere in adverts, so a literal lead is preferred wherever one exists.
            var digitParser = LiteralParser(scalars, extended: options.contains(.extended), digitLeads: true)
            lead = (try? digitParser.parseAll()).flatMap { leadLiterals($0.effectiveLead) }
        }
        guard condition != .always, condition.size <= maxConditionSize else { return (nil, lead) }
        return (condition, lead)
    }

    private static func leadLiterals(_ lead: LiteralInfo.Lead?) -> LeadLiterals? {
        guard let lead, lead.strings.count <= maxConditionSize, lead.digits || !lead.strings.isEmpty else { return nil }
        return LeadLiterals(
            maxOffset: lead.offset, skipsSpacesAndDigits: lead.skips, includesDigits: lead.digits,
            strings: lead.strings.sorted { $0.lexicographicallyPrecedes($1) })
    }

    /// A condition with more literals than this is not worth its search.
    public static let maxConditionSize = 400

    /// True when `utf8` holds a character that a caseless PCRE2 match equates with an ASCII letter while
    /// ASCII-caseless search does not: U+212A KELVIN SIGN (k) and U+017F LATIN SMALL LETTER LONG S (s).
    public static func defeatsASCIIFolding(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let count = utf8.count
        while i + 1 < count {
            let byte = utf8[i]
            if byte == 0xC5 && utf8[i + 1] == 0xBF { return true }
            if byte == 0xE2 && i + 2 < count && utf8[i + 1] == 0x84 && utf8[i + 2] == 0xAA { return true }
            i += 1
        }
        return false
    }
}

/// The characters caseless UCP PCRE2 matches as one another, for the Latin, Greek and Cyrillic letters outside
/// ASCII that rules are written with (é/É, ệ/Ệ, đ/Đ, σ/ς/Σ): so a word such as "được" still gives literals. A
/// test checks against PCRE2, over all of Unicode, that every character PCRE2 equates with one of these is
/// among its variants.
public enum CaselessVariants {
    /// The blocks whose letters are expanded: Latin-1 Supplement to Latin Extended-B, Greek and Cyrillic (with its
    /// supplement), Latin Extended Additional and Greek Extended.
    public static let blocks: [ClosedRange<UInt32>] = [0x00C0...0x024F, 0x0370...0x052F, 0x1E00...0x1FFF]
    /// Characters outside the blocks that share a case with letters inside them (micro sign, IPA letters that are
    /// the lower case of Latin Extended-B ones, Greek ypogegrammeni, old Cyrillic letter forms, Ohm, Kelvin and
    /// Angstrom signs, Latin Extended-C letters, Cyrillic monograph uk), as the test against PCRE2 lists them.
    public static let partners: [UInt32] = [0x00B5]
        + [0x0253, 0x0254, 0x0256, 0x0257, 0x0259, 0x025B, 0x0260, 0x0263, 0x0268, 0x0269, 0x026F, 0x0272, 0x0275, 0x0280]
        + [0x0283, 0x0288, 0x0289, 0x028A, 0x028B, 0x028C, 0x0292, 0x0345] + Array(0x1C80...0x1C88)
        + [0x2126, 0x212A, 0x212B, 0x2C65, 0x2C66, 0x2C7E, 0x2C7F, 0xA64A, 0xA64B]

    /// The variants of `scalar` (itself included), or nil when it is outside the blocks or shares its case with an
    /// ASCII letter (ſ, ı): then it stays unknown.
    public static func variants(of scalar: Unicode.Scalar) -> [Unicode.Scalar]? {
        guard blocks.contains(where: { $0.contains(scalar.value) }) else { return nil }
        let key = foldKey(scalar)
        guard key >= 0x80 else { return nil }
        return groups[key] ?? [scalar]
    }

    /// Upper case, then lower case, of a character, keeping it where a mapping is not one character.
    static func foldKey(_ scalar: Unicode.Scalar) -> UInt32 {
        func single(_ mapping: String, _ fallback: Unicode.Scalar) -> Unicode.Scalar {
            let scalars = mapping.unicodeScalars
            return scalars.count == 1 ? scalars.first! : fallback
        }
        let upper = single(scalar.properties.uppercaseMapping, scalar)
        return single(upper.properties.lowercaseMapping, upper).value
    }

    /// The blocks' and partners' characters, by fold key.
    private static let groups: [UInt32: [Unicode.Scalar]] = {
        var groups: [UInt32: [Unicode.Scalar]] = [:]
        for value in blocks.flatMap({ Array($0) }) + partners {
            guard let scalar = Unicode.Scalar(value) else { continue }
            groups[foldKey(scalar), default: []].append(scalar)
        }
        // Case folding that upper and lower case do not give: since Unicode 15.1, PCRE2 10.45 and later also equate
        // these Greek letters with dialytika and tonos with their Greek Extended twins.
        for (a, b) in [(UInt32(0x0390), UInt32(0x1FD3)), (0x03B0, 0x1FE3)] {
            guard let first = Unicode.Scalar(a), let second = Unicode.Scalar(b) else { continue }
            let keys = (foldKey(first), foldKey(second))
            guard keys.0 != keys.1 else { continue }
            let merged = (groups[keys.0] ?? []) + (groups[keys.1] ?? [])
            groups[keys.0] = merged
            groups[keys.1] = merged
        }
        return groups
    }()
}

/// Strings one of which every match of a pattern contains, beginning at most `maxOffset` bytes after the match's
/// start (caseless ASCII, as the strings of a `LiteralCondition`). So every match starts at most `maxOffset` bytes
/// before an occurrence of one of them, and PCRE2 need only try starting points in those windows.
///
/// Read for patterns whose lead is preceded only by parts of bounded length and unbounded runs of `\s` or `\d`
/// (`\b(?:you|we)\s{1,3}pay` has lead `you|we` at offset 0; `[a-z]{0,20}\s+fee` has `fee` at offset 80, skipping
/// the run of spaces; `\w+fee` has none), and never for patterns with `\G` or `\K`, which tie a match to where an
/// attempt starts.
public struct LeadLiterals: Sendable, Equatable {
    /// The most bytes between a match's start and the start of its lead string, not counting the characters
    /// of unbounded runs of `\s` or `\d` when `skipsSpacesAndDigits`.
    public let maxOffset: Int
    /// True when unbounded runs of `\s` or `\d` (`\s+`, `\d*`) may also stand before the lead: then any number
    /// of white-space characters and digits may be added to `maxOffset` (see `mayBeSpaceOrDigit`).
    public let skipsSpacesAndDigits: Bool
    /// True when a decimal digit (`\d`, any script: see `mayBeDigit`) leads as well as the strings: some
    /// matches hold no lead string, but a digit at most `maxOffset` bytes after their start.
    public let includesDigits: Bool
    /// The strings, each at least `RequiredLiterals.minimumLength` bytes, ASCII letters in lower case.
    public let strings: [[UInt8]]

    public init(maxOffset: Int, skipsSpacesAndDigits: Bool = false, includesDigits: Bool = false, strings: [[UInt8]]) {
        self.maxOffset = maxOffset
        self.skipsSpacesAndDigits = skipsSpacesAndDigits
        self.includesDigits = includesDigits
        self.strings = strings
    }

    /// True for every character caseless UCP PCRE2 may match with `\d` (decimal digits of any script, and code
    /// points this Swift's Unicode data leaves unassigned): a superset, checked against PCRE2 by a test.
    @inline(__always)
    public static func mayBeDigit(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value >= 0x30 && value <= 0x39 }
        // Unassigned here may be a digit in a PCRE2 built on newer Unicode data.
        let category = scalar.properties.generalCategory
        return category == .decimalNumber || category == .unassigned
    }

    /// True for every character caseless UCP PCRE2 may match with `\s` or `\d` (white space, separators,
    /// decimal digits of any script), and for a few more: a superset, checked against PCRE2 by a test.
    public static func mayBeSpaceOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) || (value >= 0x30 && value <= 0x39) }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .decimalNumber, .unassigned: return true
        default: return properties.isWhitespace || value == 0x180E
        }
    }
}

/// Which literals a text must contain: an and/or tree over literals (UTF-8, ASCII letters in lower case).
public indirect enum LiteralCondition: Sendable, Hashable {
    /// Any text.
    case always
    case literal([UInt8])
    case all([LiteralCondition])
    case any([LiteralCondition])

    /// Every literal named.
    public var literals: Set<[UInt8]> {
        switch self {
        case .always: return []
        case .literal(let bytes): return [bytes]
        case .all(let terms), .any(let terms): return terms.reduce(into: []) { $0.formUnion($1.literals) }
        }
    }

    /// Number of literal leaves.
    public var size: Int {
        switch self {
        case .always: return 0
        case .literal: return 1
        case .all(let terms), .any(let terms): return terms.reduce(0) { $0 + $1.size }
        }
    }

    /// True when the condition holds, given which literals were found.
    public func holds(_ found: ([UInt8]) -> Bool) -> Bool {
        switch self {
        case .always: return true
        case .literal(let bytes): return found(bytes)
        case .all(let terms): return terms.allSatisfy { $0.holds(found) }
        case .any(let terms): return terms.contains { $0.holds(found) }
        }
    }

    /// The same condition over other leaves (e.g. literal ids).
    public func map<T>(_ leaf: ([UInt8]) -> T) -> MappedCondition<T> {
        switch self {
        case .always: return .always
        case .literal(let bytes): return .leaf(leaf(bytes))
        case .all(let terms): return .all(terms.map { $0.map(leaf) })
        case .any(let terms): return .any(terms.map { $0.map(leaf) })
        }
    }

    static func and(_ terms: [LiteralCondition]) -> LiteralCondition {
        var flat: [LiteralCondition] = []
        for term in terms {
            switch term {
            case .always: continue
            case .all(let inner): flat += inner
            default: if !flat.contains(term) { flat.append(term) }
            }
        }
        return flat.isEmpty ? .always : flat.count == 1 ? flat[0] : .all(flat)
    }

    static func or(_ terms: [LiteralCondition]) -> LiteralCondition {
        var flat: [LiteralCondition] = []
        for term in terms {
            switch term {
            case .always: return .always
            case .any(let inner): flat += inner
            default: if !flat.contains(term) { flat.append(term) }
            }
        }
        return flat.isEmpty ? .always : flat.count == 1 ? flat[0] : .any(flat)
    }

    /// One of `strings`; `always` when one of them is too short to be worth searching for.
    static func oneOf(_ strings: Set<[UInt8]>) -> LiteralCondition {
        guard !strings.isEmpty, strings.allSatisfy({ $0.count >= RequiredLiterals.minimumLength }) else { return .always }
        return or(strings.sorted { $0.lexicographicallyPrecedes($1) }.map { .literal($0) })
    }
}

/// A `LiteralCondition` whose leaves were replaced, e.g. by the ids a literal search reports.
public indirect enum MappedCondition<Leaf: Sendable>: Sendable {
    case always
    case leaf(Leaf)
    case all([MappedCondition])
    case any([MappedCondition])

    public func holds(_ found: (Leaf) -> Bool) -> Bool {
        switch self {
        case .always: return true
        case .leaf(let leaf): return found(leaf)
        case .all(let terms): return terms.allSatisfy { $0.holds(found) }
        case .any(let terms): return terms.contains { $0.holds(found) }
        }
    }
}

/// What a piece of a pattern tells about the text it matches.
struct LiteralInfo {
    /// Every string the piece can match, when few and known ("" for an assertion).
    var exact: Set<[UInt8]>?
    /// What any text with a match of the piece contains (beyond `exact`).
    var match: LiteralCondition = .always
    /// The most bytes a match of the piece spans (beyond unbounded runs of `\s` or `\d` when `skips`); nil when
    /// unbounded.
    var maxLength: Int?
    /// True when the piece may also hold unbounded runs of `\s` or `\d` characters, not counted in `maxLength`.
    var skips = false
    /// True when the piece is one `\s` or `\d` character.
    var isSpaceOrDigit = false
    /// Strings one of which every match of the piece contains, starting at most `offset` bytes (plus runs of
    /// `\s` or `\d` characters when `skips`) after its start.
    var lead: Lead?

    struct Lead {
        var offset: Int
        var skips = false
        /// A decimal digit leads too (`LeadLiterals.includesDigits`).
        var digits = false
        var strings: Set<[UInt8]>

        /// A lead of a match that holds this one or `other`: each one's strings, at the farther offset.
        func union(_ other: Lead) -> Lead {
            Lead(
                offset: max(offset, other.offset), skips: skips || other.skips, digits: digits || other.digits,
                strings: strings.union(other.strings))
        }
    }

    init(exact: Set<[UInt8]>?, match: LiteralCondition = .always, maxLength: Int?, skips: Bool = false, lead: Lead? = nil) {
        self.exact = exact
        self.match = match
        self.maxLength = maxLength
        self.skips = skips
        self.lead = lead
    }

    /// A piece that matches one of `exact`.
    init(exact: Set<[UInt8]>) {
        self.init(exact: exact, maxLength: exact.map(\.count).max() ?? 0)
    }

    /// A piece that matches anything, of any length.
    static let unknown = LiteralInfo(exact: nil, maxLength: nil)
    /// A piece that matches one character we do not model (at most four bytes of UTF-8).
    static let anyCharacter = LiteralInfo(exact: nil, maxLength: 4)
    /// `\s` or `\d`: one character whose unbounded runs a lead may skip.
    static let spaceOrDigit: LiteralInfo = {
        var info = LiteralInfo.anyCharacter
        info.isSpaceOrDigit = true
        return info
    }()
    static let empty = LiteralInfo(exact: [[]])
    /// `\d` when digits may lead: one character whose unbounded runs a lead may skip, and which leads itself.
    static let digit: LiteralInfo = {
        var info = LiteralInfo.spaceOrDigit
        info.lead = Lead(offset: 0, digits: true, strings: [])
        return info
    }()

    /// `lead`, or the exact strings themselves when each is long enough to search for.
    var effectiveLead: Lead? {
        if let lead { return lead }
        guard let exact, !exact.isEmpty, exact.allSatisfy({ $0.count >= RequiredLiterals.minimumLength }) else { return nil }
        return Lead(offset: 0, strings: exact)
    }

    /// For `piece{times,…}` when the piece's own strings are too short to search for: the strings of its first
    /// repetitions together, as few as make every one long enough; nil when that takes more than `times`
    /// repetitions or too many strings.
    func repeatedLead(times: Int) -> Lead? {
        guard let exact, !exact.isEmpty, !exact.contains([]) else { return nil }
        var strings = exact
        var repetitions = 1
        while !strings.allSatisfy({ $0.count >= RequiredLiterals.minimumLength }) {
            repetitions += 1
            guard repetitions <= times else { return nil }
            strings = Set(strings.flatMap { head in exact.map { head + $0 } })
            guard strings.count <= RequiredLiterals.maxSetSize else { return nil }
        }
        return Lead(offset: 0, strings: strings)
    }

    /// The condition on a text with a match of the piece.
    var condition: LiteralCondition {
        LiteralCondition.and([exact.map(LiteralCondition.oneOf) ?? .always, match])
    }
}

private struct UnsupportedSyntax: Error {}

/// A small reader of PCRE2 syntax that computes `LiteralInfo`; it throws on syntax it does not model.
struct LiteralParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var extended: Bool
    /// Set on `\G` or `\K`, which tie a match to where its attempt started: such a pattern has no lead.
    private(set) var movesMatchStart = false
    /// True when `\d` leads like a literal (`LeadLiterals.includesDigits`).
    private let digitLeads: Bool

    init(_ scalars: [Unicode.Scalar], extended: Bool, digitLeads: Bool = false) {
        self.scalars = scalars
        self.extended = extended
        self.digitLeads = digitLeads
    }

    mutating func parseAll() throws -> LiteralInfo {
        let info = try parseAlternation()
        guard position == scalars.count else { throw UnsupportedSyntax() }
        return info
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func next() throws -> Unicode.Scalar {
        guard let scalar = peek else { throw UnsupportedSyntax() }
        position += 1
        return scalar
    }

    /// Skips white space and `#` comments in extended mode.
    private mutating func skipIgnorable() {
        guard extended else { return }
        while let scalar = peek {
            if scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r"
                || (scalar.value > 0x7F || scalar == "\u{0B}" || scalar == "\u{0C}") && scalar.properties.isPatternWhitespace
            {
                position += 1
            } else if scalar == "#" {
                while let c = peek, c != "\n" { position += 1 }
            } else {
                return
            }
        }
    }

    private mutating func parseAlternation() throws -> LiteralInfo {
        let savedExtended = extended
        defer { extended = savedExtended }
        var branches = [try parseSequence()]
        while peek == "|" {
            position += 1
            branches.append(try parseSequence())
        }
        if branches.count == 1 { return branches[0] }
        var exact: Set<[UInt8]>? = []
        for branch in branches {
            if let branchExact = branch.exact, let sofar = exact { exact = sofar.union(branchExact) } else { exact = nil }
        }
        if let set = exact, set.count > RequiredLiterals.maxSetSize { exact = nil }
        if let exact { return LiteralInfo(exact: exact) }
        var maxLength: Int? = 0
        for branch in branches { maxLength = maxLength.flatMap { sofar in branch.maxLength.map { max(sofar, $0) } } }
        // A lead of the alternation: each branch's, at the farthest of their offsets.
        var lead: LiteralInfo.Lead? = LiteralInfo.Lead(offset: 0, strings: [])
        for branch in branches {
            guard let sofar = lead, let own = branch.effectiveLead else { lead = nil; break }
            lead = sofar.union(own)
        }
        return LiteralInfo(
            exact: nil, match: .or(branches.map(\.condition)), maxLength: maxLength,
            skips: branches.contains(where: \.skips), lead: lead)
    }

    private mutating func parseSequence() throws -> LiteralInfo {
        var current: Set<[UInt8]> = [[]]
        var allExact = true
        var terms: [LiteralCondition] = []
        // For the lead: the most bytes before the current item (nil once unbounded), before the run of exact
        // items in `current`, and the first lead found.
        var before: Int? = 0
        var beforeRun: Int? = 0
        var skipsBefore = false
        var skipsBeforeRun = false
        var lead: LiteralInfo.Lead?
        // An optional first item with a lead of its own (`(?:₱\s?\d+\s?-\s?)?₱\d+`): a match starts with it, and
        // its lead holds, or without it, and the rest's lead is measured from the match's start.
        var optionalHead: (lead: LiteralInfo.Lead, maxLength: Int?, skips: Bool)?
        var isFirstItem = true
        func closeRun() {
            guard lead == nil, let beforeRun,
                current.allSatisfy({ $0.count >= RequiredLiterals.minimumLength })
            else { return }
            lead = LiteralInfo.Lead(offset: beforeRun, skips: skipsBeforeRun, strings: current)
        }
        while true {
            skipIgnorable()
            guard let scalar = peek, scalar != "|", scalar != ")" else { break }
            var item = try parseAtom()
            skipIgnorable()
            var optionalLead: LiteralInfo.Lead?
            if let (low, high) = try parseQuantifier() {
                if low == 0 { optionalLead = item.effectiveLead }
                let most = high == Int.max ? nil : item.maxLength.map { $0.multipliedReportingOverflow(by: high) }
                let maxLength = most.flatMap { $0.overflow || $0.partialValue > 1 << 30 ? nil : $0.partialValue }
                if high == Int.max && item.isSpaceOrDigit {
                    // `\s+`, `\d*`: any number of characters a lead may skip; `\d+` starts with a digit.
                    item = LiteralInfo(exact: nil, maxLength: 0, skips: true, lead: low >= 1 ? item.lead : nil)
                } else if low == 0 {
                    item = LiteralInfo(exact: nil, maxLength: maxLength, skips: item.skips)
                } else if !(low == 1 && high == 1) {
                    // The first repetition starts where the piece starts: its lead holds. Pieces too short to search
                    // for lead with their first repetitions together (`x{2,}` with "xx").
                    item = LiteralInfo(
                        exact: nil, match: item.condition, maxLength: maxLength, skips: item.skips,
                        lead: item.effectiveLead ?? item.repeatedLead(times: low))
                }
            }
            if let exact = item.exact {
                let product = Set(current.flatMap { head in exact.map { head + $0 } })
                if product.count <= RequiredLiterals.maxSetSize {
                    current = product
                } else {
                    terms.append(.oneOf(current))
                    closeRun()
                    current = exact
                    beforeRun = before
                    skipsBeforeRun = skipsBefore
                    allExact = false
                }
            } else {
                terms.append(.oneOf(current))
                terms.append(item.match)
                closeRun()
                if lead == nil, let before, let own = item.effectiveLead {
                    lead = LiteralInfo.Lead(
                        offset: before + own.offset, skips: skipsBefore || own.skips, digits: own.digits, strings: own.strings)
                }
                current = [[]]
                allExact = false
            }
            before = before.flatMap { sofar in item.maxLength.map { sofar + $0 } }
            skipsBefore = skipsBefore || item.skips
            if item.exact == nil {
                beforeRun = before
                skipsBeforeRun = skipsBefore
            }
            if isFirstItem, let optionalLead, lead == nil {
                optionalHead = (optionalLead, item.maxLength, item.skips)
                (before, beforeRun, skipsBefore, skipsBeforeRun) = (0, 0, false, false)
            }
            isFirstItem = false
        }
        if allExact { return LiteralInfo(exact: current) }
        terms.append(.oneOf(current))
        closeRun()
        guard let head = optionalHead else {
            return LiteralInfo(exact: nil, match: .and(terms), maxLength: before, skips: skipsBefore, lead: lead)
        }
        return LiteralInfo(
            exact: nil, match: .and(terms), maxLength: before.flatMap { sofar in head.maxLength.map { sofar + $0 } },
            skips: skipsBefore || head.skips, lead: lead?.union(head.lead))
    }

    /// `?`, `*`, `+`, `{m}`, `{m,}`, `{m,n}` with an optional lazy or possessive mark; nil when none follows.
    private mutating func parseQuantifier() throws -> (Int, Int)? {
        guard let scalar = peek else { return nil }
        var bounds: (Int, Int)
        switch scalar {
        case "?": bounds = (0, 1); position += 1
        case "*": bounds = (0, Int.max); position += 1
        case "+": bounds = (1, Int.max); position += 1
        case "{":
            guard let braces = braceQuantifier() else {
                // PCRE2 10.43 and later read `{ 1, 3 }` as a quantifier, older ones as text: not modelled.
                if braceOpensWithSpace { throw UnsupportedSyntax() }
                return nil
            }
            bounds = braces
        default: return nil
        }
        if peek == "?" || peek == "+" { position += 1 }
        return bounds
    }

    /// A `{m}`, `{m,}` or `{m,n}` at the position (consumed), or nil when the brace is a literal.
    private mutating func braceQuantifier() -> (Int, Int)? {
        var i = position + 1
        func number() -> Int? {
            var value: Int?
            while i < scalars.count, let digit = Int(String(scalars[i])), scalars[i].isASCII {
                value = min((value ?? 0) * 10 + digit, 1_000_000)
                i += 1
            }
            return value
        }
        guard let low = number() else { return nil }
        var high = low
        if i < scalars.count && scalars[i] == "," {
            i += 1
            high = number() ?? Int.max
        }
        guard i < scalars.count && scalars[i] == "}" else { return nil }
        position = i + 1
        return (low, high)
    }

    private mutating func parseAtom() throws -> LiteralInfo {
        let scalar = try next()
        switch scalar {
        case "(": return try parseGroup()
        case "[": return try parseClass()
        case ".": return .anyCharacter
        case "^", "$": return .empty
        case "\\": return try parseEscape()
        case "*", "+", "?": throw UnsupportedSyntax()
        case "{" where braceQuantifierAhead() || peek == "," || peek == " " || peek == "\t":
            throw UnsupportedSyntax()  // `{,n}` and `{ n }` quantify in newer PCRE2
        default: return literal(scalar)
        }
    }

    /// Throws when a quantifier comes next: after something PCRE2 skips (a comment, `\E`, an empty `\Q\E`) it
    /// quantifies the atom before, which this reader has already closed.
    private func refuseQuantifier() throws {
        var copy = self
        copy.skipIgnorable()
        guard let next = copy.peek else { return }
        if next == "?" || next == "*" || next == "+" { throw UnsupportedSyntax() }
        if next == "{" && (copy.braceQuantifier() != nil || (copy.position + 1 < scalars.count && scalars[copy.position + 1] == ",")) {
            throw UnsupportedSyntax()
        }
    }

    /// True when the `{` at the position is followed by a space or tab.
    private var braceOpensWithSpace: Bool {
        position + 1 < scalars.count && (scalars[position + 1] == " " || scalars[position + 1] == "\t")
    }

    private func braceQuantifierAhead() -> Bool {
        var copy = self
        copy.position -= 1
        return copy.braceQuantifier() != nil
    }

    private func literal(_ scalar: Unicode.Scalar) -> LiteralInfo {
        if scalar.isASCII {
            var byte = UInt8(scalar.value)
            if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
            return LiteralInfo(exact: [[byte]])
        }
        guard scalar.properties.changesWhenCaseMapped || scalar.properties.isCased else {
            return LiteralInfo(exact: [Array(String(scalar).utf8)])
        }
        // A character with another case may match as that other case: each of them, where known.
        guard let variants = CaselessVariants.variants(of: scalar) else { return .anyCharacter }
        return LiteralInfo(exact: Set(variants.map { Array(String($0).utf8) }))
    }

    private mutating func parseGroup() throws -> LiteralInfo {
        if peek == "*" { throw UnsupportedSyntax() }  // verbs
        var isLookaround = false
        if peek == "?" {
            position += 1
            let kind = try next()
            switch kind {
            case ":", ">", "|": break
            case "=", "!": isLookaround = true
            case "<" where peek == "=" || peek == "!":
                position += 1
                isLookaround = true
            case "<", "'", "P":
                if kind == "P" { guard try next() == "<" else { throw UnsupportedSyntax() } }
                let close: Unicode.Scalar = kind == "'" ? "'" : ">"
                while try next() != close {}
            case "#":
                while try next() != ")" {}
                try refuseQuantifier()
                return .empty
            default:
                // Option settings: (?i), (?x-i), (?i:...).
                position -= 1
                var on = true
                var setsExtended: Bool?
                while let c = peek, c != ")" && c != ":" {
                    position += 1
                    switch c {
                    case "-": on = false
                    case "x": setsExtended = on
                    case "i", "m", "s", "n", "U", "J": break
                    default: throw UnsupportedSyntax()
                    }
                }
                if try next() == ")" {
                    if let setsExtended { extended = setsExtended }
                    return .empty
                }
                let saved = extended
                if let setsExtended { extended = setsExtended }
                let inner = try parseAlternation()
                extended = saved
                guard try next() == ")" else { throw UnsupportedSyntax() }
                return inner
            }
        }
        let inner = try parseAlternation()
        guard try next() == ")" else { throw UnsupportedSyntax() }
        return isLookaround ? .empty : inner
    }

    /// A character class: a few plain characters (`[垫墊]`, `['’]`) are an exact set; anything else (negation,
    /// ranges, class escapes, POSIX classes) is unknown.
    private mutating func parseClass() throws -> LiteralInfo {
        var known = true
        if peek == "^" {
            position += 1
            known = false
        }
        var members: Set<[UInt8]> = []
        var first = true
        while true {
            let scalar = try next()
            if scalar == "]" && !first { break }
            first = false
            var member: LiteralInfo
            switch scalar {
            case "\\":
                let escaped = try next()
                if escaped == "Q" { throw UnsupportedSyntax() }  // quoted text, `]` included
                if escaped.properties.isAlphabetic || escaped.properties.numericType != nil {
                    known = false
                    if (escaped == "p" || escaped == "P" || escaped == "x") && peek == "{" { while try next() != "}" {} }
                    continue
                }
                member = literal(escaped)
            case "[" where peek == ":":
                while try next() != "]" {}
                known = false
                continue
            case "-" where peek != "]" && !members.isEmpty:
                known = false
                continue
            default:
                member = literal(scalar)
            }
            if let exact = member.exact { members.formUnion(exact) } else { known = false }
        }
        return known && !members.isEmpty && members.count <= 16 ? LiteralInfo(exact: members) : .anyCharacter
    }

    private mutating func parseEscape() throws -> LiteralInfo {
        let scalar = try next()
        switch scalar {
        case "b", "B", "A", "z", "Z": return .empty
        case "G", "K":
            movesMatchStart = true
            return .empty
        case "s": return .spaceOrDigit
        case "d": return digitLeads ? .digit : .spaceOrDigit
        case "N" where peek == "{": throw UnsupportedSyntax()  // \N{U+hh}: a named character
        case "D", "w", "W", "S", "h", "H", "v", "V", "R", "N", "C": return .anyCharacter
        case "X": return .unknown  // a grapheme cluster: any number of characters
        case "p", "P":
            if peek == "{" { while try next() != "}" {} } else { _ = try next() }
            return .anyCharacter
        case "n": return literal("\n")
        case "t": return literal("\t")
        case "r": return literal("\r")
        case "f": return literal("\u{0C}")
        case "e": return literal("\u{1B}")
        case "a": return literal("\u{07}")
        case "x":
            var digits = ""
            if peek == "{" {
                position += 1
                while let c = peek, c != "}" { digits.unicodeScalars.append(c); position += 1 }
                guard try next() == "}" else { throw UnsupportedSyntax() }
            } else {
                while digits.count < 2, let c = peek, c.properties.isASCIIHexDigit {
                    digits.unicodeScalars.append(c)
                    position += 1
                }
            }
            guard let value = UInt32(digits.isEmpty ? "0" : digits, radix: 16), let char = Unicode.Scalar(value) else {
                throw UnsupportedSyntax()
            }
            return literal(char)
        case "Q":
            // Quoted characters, each in every case it may match (a product, as in a sequence).
            var exact: Set<[UInt8]>? = [[]]
            var characters = 0
            while position < scalars.count {
                if scalars[position] == "\\" && position + 1 < scalars.count && scalars[position + 1] == "E" {
                    position += 2
                    break
                }
                if let sofar = exact, let own = literal(scalars[position]).exact {
                    let product = Set(sofar.flatMap { head in own.map { head + $0 } })
                    exact = product.count <= RequiredLiterals.maxSetSize ? product : nil
                } else {
                    exact = nil
                }
                position += 1
                characters += 1
            }
            if characters == 0 { try refuseQuantifier() }
            return exact.map { LiteralInfo(exact: $0) } ?? LiteralInfo(exact: nil, maxLength: 4 * characters)
        case "E":
            try refuseQuantifier()
            return .empty
        default:
            // Any other letter or digit is a backreference, octal or class we do not model.
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { throw UnsupportedSyntax() }
            return literal(scalar)
        }
    }
}
