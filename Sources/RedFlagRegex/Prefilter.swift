#if REDFLAG_HYPERSCAN
import CHyperscan
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a prefilter could not be built.
public enum PrefilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// This build has no Hyperscan, or the CPU cannot run it (it needs SSSE3).
    case unsupported
    /// Hyperscan failed on the literals.
    case compileFailed(String)

    public var description: String {
        switch self {
        case .unsupported: return "hyperscan is not available in this build or on this CPU"
        case .compileFailed(let message): return "hyperscan could not compile the literals: \(message)"
        }
    }
}

/// Finds, in one pass over a text, which of many literals occur in it, ASCII-caselessly; each literal reports
/// an id (several literals may share one). Built from `RequiredLiterals`, it tells which patterns may match.
///
/// Two backends: Hyperscan's literal matcher (`hs_compile_lit_multi`, caseless, single match), or a table of
/// two-byte prefixes in Swift. A text holding a character that PCRE2 folds onto an ASCII letter (Kelvin sign,
/// long s) is not scanned: `scan` returns false and the caller must treat every id as a candidate.
///
/// Immutable and shareable between threads; a Hyperscan scan needs a `PrefilterScratch` per thread.
public final class LiteralPrefilter: @unchecked Sendable {
    /// Where the search runs.
    public enum Backend: Sendable {
        case hyperscan
        case table
    }

    /// True when this build has Hyperscan and the CPU runs it.
    public static var isHyperscanSupported: Bool {
        #if REDFLAG_HYPERSCAN
        return hs_valid_platform() == HS_SUCCESS
        #else
        return false
        #endif
    }

    /// The version of the Hyperscan library, or nil when this build has none.
    public static var hyperscanVersion: String? {
        #if REDFLAG_HYPERSCAN
        return hs_version().map { String(cString: $0) }
        #else
        return nil
        #endif
    }

    public let backend: Backend
    /// The largest id plus one.
    public let idCount: Int
    /// By id: true when every occurrence of the id's literals is reported (`LiteralOccurrences`), not only the
    /// first.
    private let positional: [Bool]
    /// The literals (lower-cased, at least two bytes).
    private let list: LiteralList
    /// Table backend: the literal indices sorted by their first two bytes, and where each two-byte key's run
    /// starts in `order` (65,537 entries; key `k` runs from `bucketStart[k]` to `bucketStart[k + 1]`).
    private let order: [Int32]
    private let bucketStart: [Int32]
    /// True when the Hyperscan database was read back from serialized bytes (`serialized()`), not compiled.
    public let isDeserialized: Bool

    /// True for the Hyperscan backend with literals to search for (then it has a database to serialize).
    public var hasHyperscanDatabase: Bool {
        #if REDFLAG_HYPERSCAN
        return database != nil
        #else
        return false
        #endif
    }
    #if REDFLAG_HYPERSCAN
    /// Hyperscan backend: nil when there are no literals.
    private let database: OpaquePointer?
    /// Hyperscan backend: a digest of what the database is compiled from, stored with its serialized form.
    private let digest: UInt64
    #endif

    /// Compiles `literals` (each at least two bytes; ASCII letters in any case) for `backend`; the ids in
    /// `positional` report every occurrence (see `scan`).
    public convenience init(
        literals: [(id: Int, literal: [UInt8])], backend: Backend, positional: Set<Int> = []
    ) throws(PrefilterError) {
        try self.init(list: LiteralList(literals), backend: backend, positional: positional)
    }

    /// Compiles the literals of `list` (those of at least two bytes; ASCII letters in any case) for `backend`;
    /// the ids in `positional` report every occurrence (see `scan`).
    public convenience init(list: LiteralList, backend: Backend, positional: Set<Int> = []) throws(PrefilterError) {
        var byID = [Bool](repeating: false, count: (positional.max() ?? -1) + 1)
        for id in positional { byID[id] = true }
        try self.init(list: list, backend: backend, positionalByID: byID)
    }

    /// The same, with the positional ids given as flags by id (ids past its end are not positional). For the
    /// Hyperscan backend, `serialized` may hold what `serialized()` gave for the same literals and flags: the
    /// database is then read back instead of compiled (far quicker), unless the bytes are of other literals,
    /// another Hyperscan or CPU, or damaged.
    public init(
        list: LiteralList, backend: Backend, positionalByID: [Bool], serialized: [UInt8]? = nil
    ) throws(PrefilterError) {
        let list = list.prefilterable()
        self.list = list
        self.backend = backend
        self.idCount = Int(list.ids.max() ?? -1) + 1
        var isPositional = [Bool](repeating: false, count: idCount)
        for id in 0..<min(idCount, positionalByID.count) where positionalByID[id] { isPositional[id] = true }
        self.positional = isPositional
        switch backend {
        case .table:
            (self.order, self.bucketStart) = Self.buckets(list)
            self.isDeserialized = false
            #if REDFLAG_HYPERSCAN
            (self.database, self.digest) = (nil, 0)
            #endif
        case .hyperscan:
            (self.order, self.bucketStart) = ([], [])
            #if REDFLAG_HYPERSCAN
            guard Self.isHyperscanSupported else { throw .unsupported }
            let digest = Self.digest(list, positional: isPositional)
            self.digest = digest
            if let serialized, list.count > 0, let database = Self.deserialize(serialized, digest: digest) {
                (self.database, self.isDeserialized) = (database, true)
            } else {
                (self.database, self.isDeserialized) = (try Self.compile(list, positional: isPositional), false)
            }
            #else
            throw .unsupported
            #endif
        }
    }

    /// A counting sort of the literals by their first two bytes.
    private static func buckets(_ list: LiteralList) -> (order: [Int32], bucketStart: [Int32]) {
        var bucketStart = [Int32](repeating: 0, count: 65_537)
        for i in 0..<list.count { bucketStart[list.key(i) + 1] += 1 }
        for key in 0..<65_536 { bucketStart[key + 1] += bucketStart[key] }
        var next = bucketStart
        var order = [Int32](repeating: 0, count: list.count)
        for i in 0..<list.count {
            let key = list.key(i)
            order[Int(next[key])] = Int32(i)
            next[key] += 1
        }
        return (order, bucketStart)
    }

    #if REDFLAG_HYPERSCAN
    deinit { if let database { hs_free_database(database) } }

    private static func compile(_ list: LiteralList, positional: [Bool]) throws(PrefilterError) -> OpaquePointer? {
        guard list.count > 0 else { return nil }
        let flags = list.ids.map { positional[Int($0)] ? UInt32(HS_FLAG_CASELESS) : UInt32(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH) }
        let ids = list.ids.map { UInt32($0) }
        let lengths = (0..<list.count).map { Int(list.offsets[$0 + 1] - list.offsets[$0]) }
        var database: OpaquePointer?
        var error: UnsafeMutablePointer<hs_compile_error_t>?
        let rc = list.bytes.withUnsafeBufferPointer { bytes -> hs_error_t in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)  // not empty: count > 0
            let expressions: [UnsafePointer<CChar>?] = (0..<list.count).map { base + Int(list.offsets[$0]) }
            return hs_compile_lit_multi(
                expressions, flags, ids, lengths, UInt32(list.count), UInt32(HS_MODE_BLOCK), nil, &database, &error)
        }
        if rc == HS_SUCCESS, let database { return database }
        let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(rc)"
        if let error { hs_free_compile_error(error) }
        throw .compileFailed(message)
    }

    /// What identifies a compiled database: the literals, their ids and flags, and the Hyperscan version.
    private static func digest(_ list: LiteralList, positional: [Bool]) -> UInt64 {
        var hash = FNV1a()
        hash.add(hyperscanVersion ?? "")
        list.bytes.withUnsafeBytes { hash.add(bytes: $0) }
        list.offsets.withUnsafeBytes { hash.add(bytes: $0) }
        list.ids.withUnsafeBytes { hash.add(bytes: $0) }
        let flags = list.ids.map { positional[Int($0)] ? UInt8(1) : 0 }
        flags.withUnsafeBytes { hash.add(bytes: $0) }
        return hash.value
    }

    /// The database in `serialized` (a digest, then Hyperscan's serialized form) when the digest is `digest` and
    /// Hyperscan accepts the rest (its version, this CPU's features, its checksum); else nil.
    private static func deserialize(_ serialized: [UInt8], digest: UInt64) -> OpaquePointer? {
        guard serialized.count > 8 else { return nil }
        var stored: UInt64 = 0
        for k in 0..<8 { stored |= UInt64(serialized[k]) << (8 * k) }
        guard stored == digest else { return nil }
        var database: OpaquePointer?
        let rc = serialized.withUnsafeBytes { raw in
            hs_deserialize_database(raw.baseAddress!.assumingMemoryBound(to: CChar.self) + 8, raw.count - 8, &database)
        }
        return rc == HS_SUCCESS ? database : nil
    }
    #endif

    /// The Hyperscan database, serialized with a digest of the literals and flags it was compiled from, for
    /// `init(list:backend:positionalByID:serialized:)` in a later process; nil for the table backend and when
    /// there are no literals.
    public func serialized() -> [UInt8]? {
        #if REDFLAG_HYPERSCAN
        guard let database else { return nil }
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(database, &bytes, &length) == HS_SUCCESS, let bytes else { return nil }
        defer { free(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + length)
        withUnsafeBytes(of: digest.littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: UnsafeRawBufferPointer(start: bytes, count: length))
        return out
        #else
        return nil
        #endif
    }

    /// Marks `candidates[id]` for every literal found in `text`, and appends each occurrence of a positional id
    /// to `occurrences` (in no particular order). Returns false when the text could not be prefiltered (a Kelvin
    /// sign or long s in it, or a Hyperscan failure): treat every id as a candidate, and occurrences as unknown.
    public func scan(
        _ text: String, scratch: PrefilterScratch, candidates: inout [Bool], occurrences: inout LiteralOccurrences
    ) -> Bool {
        guard candidates.count >= idCount else { return false }
        var text = text
        return text.withUTF8 { bytes -> Bool in
            if RequiredLiterals.defeatsASCIIFolding(bytes) { return false }
            return candidates.withUnsafeMutableBufferPointer { marks -> Bool in
                switch backend {
                case .table: return scanTable(bytes, marks, &occurrences)
                case .hyperscan: return scanHyperscan(bytes, scratch, marks, &occurrences)
                }
            }
        }
    }

    /// The same, without occurrences.
    public func scan(_ text: String, scratch: PrefilterScratch, candidates: inout [Bool]) -> Bool {
        var occurrences = LiteralOccurrences()
        return scan(text, scratch: scratch, candidates: &candidates, occurrences: &occurrences)
    }

    private func scanTable(
        _ bytes: UnsafeBufferPointer<UInt8>, _ marks: UnsafeMutableBufferPointer<Bool>,
        _ occurrences: inout LiteralOccurrences
    ) -> Bool {
        let count = bytes.count
        guard count >= 2 else { return true }
        list.bytes.withUnsafeBufferPointer { literalBytes in
            list.offsets.withUnsafeBufferPointer { offsets in
                list.ids.withUnsafeBufferPointer { ids in
                    order.withUnsafeBufferPointer { order in
                        bucketStart.withUnsafeBufferPointer { bucketStart in
                            var previous = asciiLower(bytes[0])
                            for i in 1..<count {
                                let byte = asciiLower(bytes[i])
                                let key = Int(previous) << 8 | Int(byte)
                                previous = byte
                                var entry = Int(bucketStart[key])
                                let last = Int(bucketStart[key + 1])
                                guard entry < last else { continue }
                                let start = i - 1
                                while entry < last {
                                    let literal = Int(order[entry])
                                    entry += 1
                                    let id = Int(ids[literal])
                                    let from = Int(offsets[literal]), to = Int(offsets[literal + 1])
                                    guard !marks[id] || positional[id], start + (to - from) <= count else { continue }
                                    var j = 2
                                    while from + j < to && asciiLower(bytes[start + j]) == literalBytes[from + j] { j += 1 }
                                    if from + j == to {
                                        marks[id] = true
                                        if positional[id] { occurrences.append(id: id, end: start + (to - from)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return true
    }

    private func scanHyperscan(
        _ bytes: UnsafeBufferPointer<UInt8>, _ scratch: PrefilterScratch, _ marks: UnsafeMutableBufferPointer<Bool>,
        _ occurrences: inout LiteralOccurrences
    ) -> Bool {
        #if REDFLAG_HYPERSCAN
        guard let database else { return true }
        guard bytes.count < Int(UInt32.max), let hsScratch = scratch.prepared(for: self, database),
            let base = (bytes.baseAddress ?? emptySubject).map({ UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) })
        else { return false }
        return positional.withUnsafeBufferPointer { positional in
            var context = HyperscanContext(marks: marks, positional: positional, occurrences: occurrences)
            occurrences = LiteralOccurrences()  // so the context's copy is the only one and grows in place
            let rc = hs_scan(
                database, base, UInt32(bytes.count), 0, hsScratch,
                { id, _, to, _, context in
                    let context = context!.assumingMemoryBound(to: HyperscanContext.self)
                    context.pointee.marks[Int(id)] = true
                    if context.pointee.positional[Int(id)] { context.pointee.occurrences.append(id: Int(id), end: Int(to)) }
                    return 0
                },
                &context)
            occurrences = context.occurrences
            return rc == HS_SUCCESS
        }
        #else
        return false
        #endif
    }
}

#if REDFLAG_HYPERSCAN
/// What a Hyperscan match callback writes to.
private struct HyperscanContext {
    let marks: UnsafeMutableBufferPointer<Bool>
    let positional: UnsafeBufferPointer<Bool>
    var occurrences: LiteralOccurrences
}
#endif

/// Where a literal search found the literals of positional ids: pairs of id and end offset (exclusive, in bytes).
public struct LiteralOccurrences: Sendable {
    public private(set) var ids: [Int32] = []
    public private(set) var ends: [Int] = []

    public init() {}

    public var count: Int { ids.count }

    mutating func append(id: Int, end: Int) {
        ids.append(Int32(truncatingIfNeeded: id))
        ends.append(end)
    }

    /// Empties the list, keeping its storage for the next text.
    public mutating func removeAll() {
        ids.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}

@inline(__always) private func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
}

/// Literals with their ids, stored end to end in one byte array (cheap to build, store and read back).
public struct LiteralList: Sendable, Equatable {
    /// The literals' bytes, end to end.
    public private(set) var bytes: [UInt8] = []
    /// Where each literal starts in `bytes`, and one more entry: the end of the last.
    public private(set) var offsets: [Int32] = [0]
    /// Each literal's id.
    public private(set) var ids: [Int32] = []

    public init() {}

    public init(_ literals: [(id: Int, literal: [UInt8])]) {
        for item in literals { append(id: item.id, literal: item.literal) }
    }

    /// Reads back stored arrays; nil unless they are consistent (offsets rising from 0 to the byte count, one id
    /// per literal, ids not negative).
    public init?(bytes: [UInt8], offsets: [Int32], ids: [Int32]) {
        guard offsets.first == 0, offsets.count == ids.count + 1, Int(offsets.last!) == bytes.count,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }), ids.allSatisfy({ $0 >= 0 })
        else { return nil }
        self.bytes = bytes
        self.offsets = offsets
        self.ids = ids
    }

    public var count: Int { ids.count }

    public mutating func append(id: Int, literal: some Collection<UInt8>) {
        bytes.append(contentsOf: literal)
        offsets.append(Int32(bytes.count))
        ids.append(Int32(id))
    }

    /// The literal at `index`.
    public func literal(_ index: Int) -> ArraySlice<UInt8> { bytes[Int(offsets[index])..<Int(offsets[index + 1])] }

    /// The literals of two bytes or more, ASCII letters lower-cased (the list itself when it is so already).
    func prefilterable() -> LiteralList {
        let isReady = !bytes.contains { $0 >= 0x41 && $0 <= 0x5A } && zip(offsets, offsets.dropFirst()).allSatisfy { $1 - $0 >= 2 }
        if isReady { return self }
        var kept = LiteralList()
        for i in 0..<count where offsets[i + 1] - offsets[i] >= 2 {
            kept.append(id: Int(ids[i]), literal: literal(i).lazy.map(asciiLower))
        }
        return kept
    }

    /// The first two bytes of literal `index` (at least two bytes long) as a table key.
    func key(_ index: Int) -> Int {
        let start = Int(offsets[index])
        return Int(bytes[start]) << 8 | Int(bytes[start + 1])
    }
}

/// Hyperscan's per-thread working memory for scans. It grows to fit every database it is used with; it belongs
/// to one thread at a time.
public final class PrefilterScratch {
    #if REDFLAG_HYPERSCAN
    private var scratch: OpaquePointer?
    /// The prefilters the scratch was sized for, kept alive so their identities stay theirs.
    private var fitted: [ObjectIdentifier: LiteralPrefilter] = [:]
    #endif

    public init() {}

    #if REDFLAG_HYPERSCAN
    deinit { if let scratch { hs_free_scratch(scratch) } }

    /// The scratch, grown the first time it serves `prefilter` (growing it is far dearer than a scan).
    func prepared(for prefilter: LiteralPrefilter, _ database: OpaquePointer) -> OpaquePointer? {
        let key = ObjectIdentifier(prefilter)
        if fitted[key] == nil {
            guard hs_alloc_scratch(database, &scratch) == HS_SUCCESS else { return nil }
            fitted[key] = prefilter
        }
        return scratch
    }
    #endif
}
