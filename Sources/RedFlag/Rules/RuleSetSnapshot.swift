import Foundation
#if canImport(Glibc)
import Glibc
#endif
import RedFlagRegex

/// A checked rule set written in a compact binary form, so that a later process loads it without parsing YAML or
/// compiling patterns: its patterns compile when a text first reaches them, and it holds the prefilter's layout
/// (each pattern's required literals), so a prefilter is built without reading the patterns again.
///
/// The snapshot names the build that made it (`buildKey`: redflag and PCRE2 versions, and the executable's size
/// and date, so a rebuilt redflag never reads another build's snapshot) and the fingerprint of the pattern files;
/// it is read back only when both are the same. It ends with a checksum, so accidental damage makes it
/// unreadable (nil), never a crash; it is not a defence against tampering (the cache folder must be the user's).
/// Rule examples are not kept: `rules test` and `rules lint` read the YAML. A rule's descriptions and references
/// are a block of their own, decoded only when read (`RuleTexts`): a one-message `check` shows a few rules' texts.
enum RuleSetSnapshot {
    static let magic = "redflag-snapshot/8"

    /// What identifies the code that reads and writes snapshots.
    static let buildKey: String = {
        var hash = FNV1a()
        hash.add(RedFlagVersion.current)
        hash.add("\u{0}")
        hash.add(pcre2Version)
        hash.add("\u{0}")
        var info = stat()
        if stat("/proc/self/exe", &info) == 0 {
            hash.add("\(info.st_size) \(info.st_mtim.tv_sec) \(info.st_mtim.tv_nsec)")
        }
        return hash.hex
    }()

    static func encode(_ set: RuleSet) -> [UInt8] {
        var out = ByteWriter()
        out.string(magic)
        out.string(buildKey)
        out.string(set.fingerprint)
        let settings = set.settings
        out.string(settings.name)
        out.string(settings.version)
        out.double(settings.bias)
        out.double(settings.thresholds.suspicious)
        out.double(settings.thresholds.scam)
        out.int(settings.heuristics.count)
        for heuristic in settings.heuristics {
            out.string(heuristic.id)
            out.string(heuristic.kind.rawValue)
            out.string(heuristic.tactic)
            out.double(heuristic.weight)
            out.string(heuristic.describe)
            out.optionalDouble(heuristic.threshold)
            out.optionalString(heuristic.offer)
            out.strings(heuristic.details)
        }
        out.int(set.tactics.count)
        for tactic in set.tactics {
            out.string(tactic.id)
            out.string(tactic.describe)
        }
        out.int(set.rules.count)
        for rule in set.rules { out.rule(rule, indexByID: set.indexByID) }
        out.int(set.metaOrder.count)
        for index in set.metaOrder { out.int(index) }
        out.layout(set.prefilterLayout)
        let sum = checksum(out.bytes[...])
        out.int(Int(Int64(bitPattern: sum)))
        return out.bytes
    }

    /// The rule set in `bytes`, or nil when they are not a snapshot of the set with this fingerprint made by this
    /// redflag and PCRE2.
    static func decode(_ bytes: [UInt8], fingerprint: String) -> RuleSet? {
        guard bytes.count > 8 else { return nil }
        let payload = 0..<(bytes.count - 8)
        var trailer = ByteReader(bytes, range: payload.upperBound..<bytes.count)
        guard let stored = trailer.int(), UInt64(bitPattern: Int64(stored)) == checksum(bytes[payload]) else { return nil }
        var input = ByteReader(bytes, range: payload)
        guard input.string() == magic, input.string() == buildKey, input.string() == fingerprint,
            let name = input.string(), let version = input.string(), let bias = input.double(),
            let suspicious = input.double(), let scam = input.double(), let heuristicCount = input.count()
        else { return nil }
        var heuristics: [Heuristic] = []
        for _ in 0..<heuristicCount {
            guard let id = input.string(), let kind = input.string().flatMap(Heuristic.Kind.init(rawValue:)),
                let tactic = input.string(), let weight = input.double(), let describe = input.string(),
                let threshold = input.optionalDouble(), let offer = input.optionalString(), let details = input.strings()
            else { return nil }
            var heuristic = Heuristic(id: id, kind: kind, tactic: tactic, weight: weight, describe: describe, threshold: threshold)
            heuristic.offer = offer
            heuristic.details = details
            heuristics.append(heuristic)
        }
        guard let tacticCount = input.count() else { return nil }
        var tactics: [Tactic] = []
        for _ in 0..<tacticCount {
            guard let id = input.string(), let describe = input.string() else { return nil }
            tactics.append(Tactic(id: id, describe: describe))
        }
        guard let ruleCount = input.count() else { return nil }
        var rules: [Rule] = []
        rules.reserveCapacity(ruleCount)
        var resolvedMeta: [Int: ResolvedMeta] = [:]
        for i in 0..<ruleCount {
            guard let (rule, meta) = input.rule(ruleCount: ruleCount) else { return nil }
            rules.append(rule)
            if let meta { resolvedMeta[i] = meta }
        }
        // A meta rule's expression names its operands: their ids, known now that every rule is read.
        let ids = rules.map(\.id)
        for (i, meta) in resolvedMeta { rules[i] = rules[i].with(body: .meta(meta.expression(ids: ids))) }
        guard let metaCount = input.count() else { return nil }
        var metaOrder: [Int] = []
        for _ in 0..<metaCount {
            guard let index = input.int(), rules.indices.contains(index), case .meta = rules[index].body else { return nil }
            metaOrder.append(index)
        }
        guard let layout = input.layout(), layout.isConsistent(ruleCount: rules.count), input.isAtEnd else { return nil }
        let settings = RuleSetSettings(
            name: name, version: version, bias: bias, thresholds: Thresholds(suspicious: suspicious, scam: scam),
            heuristics: heuristics)
        let set = RuleSet(
            settings: settings, tactics: tactics, rules: rules, metaOrder: metaOrder, fingerprint: fingerprint,
            resolvedMeta: resolvedMeta)
        // Every rule a meta rule or an `unless` names must exist, and ids must be unique.
        guard set.referencesResolve else { return nil }
        set.prefilterCache.preset(layout)
        return set
    }
}

extension RuleSetSnapshot {
    /// The texts block of a rule at `range` of a snapshot's bytes. The snapshot was checksummed when read, so this
    /// fails only for a snapshot crafted to pass that check: its rule then has no texts rather than stopping the run.
    static func decodeTexts(_ bytes: [UInt8], range: Range<Int>)
        -> (describe: String, describeLocal: [String: String], references: [String])
    {
        var input = textsReader(bytes, range: range)
        return input?.ruleTexts() ?? ("", [:], [])
    }

    /// The English description alone, the first string of the texts block (what evidence shows).
    static func decodeDescribe(_ bytes: [UInt8], range: Range<Int>) -> String {
        var input = textsReader(bytes, range: range)
        return input?.string() ?? ""
    }

    /// A reader of `bytes[range]`, nil when the range is not inside the bytes.
    private static func textsReader(_ bytes: [UInt8], range: Range<Int>) -> ByteReader? {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        return ByteReader(bytes, range: range)
    }
}

/// A 64-bit checksum of `bytes` (a multiply-xorshift over 8-byte words): quick, and any changed byte changes it
/// but by design not against someone who wants a collision.
func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset + 8 <= raw.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
            offset += 8
        }
        while offset < raw.count {
            hash = (hash ^ UInt64(raw[offset])) &* 0x94D0_49BB_1331_11EB
            hash ^= hash >> 29
            offset += 1
        }
    }
    return hash
}

/// Appends little-endian numbers and length-prefixed UTF-8 strings.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// A rule; a meta rule's operands as rule indices (`indexByID`), so reading it back needs no look-up.
    mutating func rule(_ rule: Rule, indexByID: [String: Int]) {
        string(rule.id)
        optionalString(rule.tactic)
        double(rule.weight)
        strings(rule.languages)
        var texts = ByteWriter()
        texts.string(rule.describe)
        let local = rule.describeLocal.sorted { $0.key < $1.key }
        texts.strings(local.map(\.key))
        texts.strings(local.map(\.value))
        texts.strings(rule.references)
        int(texts.bytes.count)
        bytes.append(contentsOf: texts.bytes)
        switch rule.body {
        case .pattern(let pattern):
            byte(0)
            string(pattern.source)
            int(Int(pattern.options.rawValue))
        case .meta(let expression):
            byte(1)
            meta(expression, indexByID: indexByID)
        }
        string(rule.view.rawValue)
        strings(rule.flags)
        strings(rule.unless)
        string(rule.location.file)
        int(rule.location.line)
        int(rule.location.column)
    }

    mutating func int(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    /// Bytes, after their count (read back by `ByteReader.rawBytes`).
    mutating func data(_ values: [UInt8]) {
        int(values.count)
        bytes.append(contentsOf: values)
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    mutating func optionalString(_ value: String?) {
        byte(value == nil ? 0 : 1)
        if let value { string(value) }
    }

    mutating func optionalDouble(_ value: Double?) {
        byte(value == nil ? 0 : 1)
        if let value { double(value) }
    }

    mutating func meta(_ expression: MetaExpression, indexByID: [String: Int]) {
        switch expression {
        case .rule(let id): byte(0); int(indexByID[id] ?? -1)
        case .not(let inner): byte(1); meta(inner, indexByID: indexByID)
        case .and(let terms): byte(2); int(terms.count); terms.forEach { meta($0, indexByID: indexByID) }
        case .or(let terms): byte(3); int(terms.count); terms.forEach { meta($0, indexByID: indexByID) }
        case .atLeast(let count, let ids):
            byte(4); int(count); int(ids.count)
            for id in ids { int(indexByID[id] ?? -1) }
        }
    }

    mutating func int32s(_ values: [Int32]) {
        int(values.count)
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    }

    mutating func layout(_ layout: RulePrefilter.Layout) {
        int(layout.literals.count)
        for group in layout.literals {
            int(group.bytes.count)
            bytes.append(contentsOf: group.bytes)
            int32s(group.offsets)
            int32s(group.ids)
        }
        int32s(layout.code.words)
        int(layout.conditionStart.count)
        for start in layout.conditionStart { int(start ?? -1) }
        int32s(layout.leadWords)
        int(layout.leadStart.count)
        for start in layout.leadStart { int(start ?? -1) }
    }
}

/// Reads what `ByteWriter` wrote; every read checks the bounds and returns nil past the end or on nonsense.
struct ByteReader {
    private let bytes: [UInt8]
    private var position: Int
    /// Where reading stops: the end of `range`.
    private let end: Int

    /// Reads `bytes[range]` (the whole array by default), sharing the array's storage rather than copying it.
    init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    var isAtEnd: Bool { position == end }

    /// A rule of a set of `ruleCount`; for a meta rule, also its expression over rule indices (the rule's own
    /// body is then a placeholder until the caller names the operands).
    mutating func rule(ruleCount: Int) -> (Rule, ResolvedMeta?)? {
        guard let id = string(), let tactic = optionalString(), let weight = double(),
            let languages = strings(), let textsLength = count()
        else { return nil }
        let texts = RuleTexts(encoded: bytes, range: position..<position + textsLength)
        position += textsLength
        guard let bodyKind = byte() else { return nil }
        let body: RuleBody
        var resolved: ResolvedMeta?
        switch bodyKind {
        case 0:
            guard let source = rawBytes(), let options = int(), let raw = UInt32(exactly: options) else { return nil }
            body = .pattern(CompiledPattern(deferredUTF8: source, options: PatternOptions(rawValue: raw)))
        case 1:
            guard let expression = meta(depth: 0, ruleCount: ruleCount) else { return nil }
            resolved = expression
            body = .meta(.and([]))
        default:
            return nil
        }
        guard let view = string().flatMap(ViewKind.init(rawValue:)), let flags = strings(),
            let unless = strings(), let file = repeatedString(),
            let line = int(), let column = int()
        else { return nil }
        let rule = Rule(
            id: id, tactic: tactic, weight: weight, languages: languages, texts: texts, body: body, view: view,
            flags: flags, examples: RuleExamples(), unless: unless,
            location: SourceLocation(file: file, line: line, column: column))
        return (rule, resolved)
    }

    /// A rule's texts block (see `ByteWriter.rule`); nil when it is not one.
    mutating func ruleTexts() -> (describe: String, describeLocal: [String: String], references: [String])? {
        guard let describe = string(), let localKeys = strings(), let localValues = strings(),
            localKeys.count == localValues.count, let references = strings(), isAtEnd
        else { return nil }
        return (describe, Dictionary(zip(localKeys, localValues), uniquingKeysWith: { first, _ in first }), references)
    }

    mutating func byte() -> UInt8? {
        guard position < end else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func word() -> UInt64? {
        guard end - position >= 8 else { return nil }
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(bytes[position + offset]) << (8 * offset) }
        position += 8
        return value
    }

    mutating func int() -> Int? { word().map { Int(Int64(bitPattern: $0)) } }

    /// A count of items still to read: never more than the bytes left, so damage cannot ask for a huge array.
    mutating func count() -> Int? {
        guard let value = int(), value >= 0, value <= end - position else { return nil }
        return value
    }

    mutating func double() -> Double? { word().map(Double.init(bitPattern:)) }

    mutating func string() -> String? {
        guard let length = count() else { return nil }
        defer { position += length }
        return String(validating: bytes[position..<position + length], as: UTF8.self)
    }

    /// The bytes of a string, undecoded (a slice of the snapshot's bytes, no copy).
    mutating func rawBytes() -> ArraySlice<UInt8>? {
        guard let length = count() else { return nil }
        defer { position += length }
        return bytes[position..<position + length]
    }

    /// The last string read by `repeatedString`, and where its bytes are.
    private var lastRepeated: (range: Range<Int>, value: String)?

    /// A string that is often the same as the previous one read this way (a rule's file): when its bytes are
    /// the previous ones', the same value without decoding it again.
    mutating func repeatedString() -> String? {
        let start = position
        guard let length = count() else { return nil }
        let range = position..<position + length
        if let last = lastRepeated, last.range.count == length, bytes[last.range].elementsEqual(bytes[range]) {
            position += length
            return last.value
        }
        position = start
        guard let value = string() else { return nil }
        lastRepeated = (range, value)
        return value
    }

    mutating func strings() -> [String]? {
        guard let count = count() else { return nil }
        var values: [String] = []
        for _ in 0..<count {
            guard let value = string() else { return nil }
            values.append(value)
        }
        return values
    }

    mutating func optionalString() -> String?? {
        switch byte() {
        case 0: return .some(nil)
        case 1: return string().map { .some($0) }
        default: return nil
        }
    }

    mutating func optionalDouble() -> Double?? {
        switch byte() {
        case 0: return .some(nil)
        case 1: return double().map { .some($0) }
        default: return nil
        }
    }

    /// A prefilter layout (check it with `isConsistent` before use).
    mutating func layout() -> RulePrefilter.Layout? {
        guard let viewCount = count() else { return nil }
        var literals: [LiteralList] = []
        for _ in 0..<viewCount {
            guard let byteCount = count() else { return nil }
            let literalBytes = Array(bytes[position..<position + byteCount])
            position += byteCount
            guard let offsets = int32s(), let ids = int32s(),
                let list = LiteralList(bytes: literalBytes, offsets: offsets, ids: ids)
            else { return nil }
            literals.append(list)
        }
        guard let words = int32s(), let startCount = count() else { return nil }
        guard let starts = optionalInts(count: startCount), let leadWords = int32s(), let leadCount = count(),
            let leadStarts = optionalInts(count: leadCount)
        else { return nil }
        return RulePrefilter.Layout(
            literals: literals, code: ConditionCode(words: words), conditionStart: starts, leadWords: leadWords,
            leadStart: leadStarts)
    }

    /// `count` integers where -1 stands for nil.
    private mutating func optionalInts(count: Int) -> [Int?]? {
        var values: [Int?] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = int() else { return nil }
            values.append(value < 0 ? nil : value)
        }
        return values
    }

    /// An array of 32-bit integers, copied in one go.
    mutating func int32s() -> [Int32]? {
        guard let count = count(), count * 4 <= end - position else { return nil }
        let values = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                for i in 0..<count {
                    buffer[i] = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: position + 4 * i, as: Int32.self))
                }
            }
            initialized = count
        }
        position += 4 * count
        return values
    }

    /// A meta expression, at most 64 levels deep.
    /// A meta expression whose operands are indices below `ruleCount`; nil on anything else.
    mutating func meta(depth: Int, ruleCount: Int) -> ResolvedMeta? {
        guard depth < 64, let tag = byte() else { return nil }
        func index() -> Int? {
            guard let value = int(), value >= 0, value < ruleCount else { return nil }
            return value
        }
        switch tag {
        case 0: return index().map(ResolvedMeta.rule)
        case 1: return meta(depth: depth + 1, ruleCount: ruleCount).map(ResolvedMeta.not)
        case 2, 3:
            guard let count = count() else { return nil }
            var terms: [ResolvedMeta] = []
            for _ in 0..<count {
                guard let term = meta(depth: depth + 1, ruleCount: ruleCount) else { return nil }
                terms.append(term)
            }
            return tag == 2 ? .and(terms) : .or(terms)
        case 4:
            guard let count = int(), let operandCount = self.count() else { return nil }
            var indices: [Int] = []
            for _ in 0..<operandCount {
                guard let operand = index() else { return nil }
                indices.append(operand)
            }
            return .atLeast(count, indices)
        default: return nil
        }
    }
}
