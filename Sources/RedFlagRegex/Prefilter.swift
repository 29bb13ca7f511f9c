#if REDFLAG_HYPERSCAN
import CHyperscan
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
    /// Table backend: literals (lower-cased) with their ids, bucketed by their first two bytes.
    private let buckets: [UInt16: [(literal: [UInt8], id: Int)]]
    #if REDFLAG_HYPERSCAN
    /// Hyperscan backend: nil when there are no literals.
    private let database: OpaquePointer?
    #endif

    /// Compiles `literals` (each at least two bytes; ASCII letters in any case) for `backend`.
    public init(literals: [(id: Int, literal: [UInt8])], backend: Backend) throws(PrefilterError) {
        let literals = literals.filter { $0.literal.count >= 2 }.map { (id: $0.id, literal: $0.literal.map(asciiLower)) }
        self.backend = backend
        self.idCount = (literals.map(\.id).max() ?? -1) + 1
        switch backend {
        case .table:
            self.buckets = Dictionary(grouping: literals.map { (literal: $0.literal, id: $0.id) }) {
                UInt16($0.literal[0]) << 8 | UInt16($0.literal[1])
            }
            #if REDFLAG_HYPERSCAN
            self.database = nil
            #endif
        case .hyperscan:
            self.buckets = [:]
            #if REDFLAG_HYPERSCAN
            guard Self.isHyperscanSupported else { throw .unsupported }
            self.database = try Self.compile(literals)
            #else
            throw .unsupported
            #endif
        }
    }

    #if REDFLAG_HYPERSCAN
    deinit { if let database { hs_free_database(database) } }

    private static func compile(_ literals: [(id: Int, literal: [UInt8])]) throws(PrefilterError) -> OpaquePointer? {
        guard !literals.isEmpty else { return nil }
        let buffers = literals.map { item -> UnsafeMutablePointer<CChar> in
            let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: item.literal.count)
            for (i, byte) in item.literal.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        let expressions: [UnsafePointer<CChar>?] = buffers.map { UnsafePointer<CChar>($0) }
        let flags = [UInt32](repeating: UInt32(HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH), count: literals.count)
        let ids = literals.map { UInt32($0.id) }
        let lengths = literals.map { $0.literal.count }
        var database: OpaquePointer?
        var error: UnsafeMutablePointer<hs_compile_error_t>?
        let rc = hs_compile_lit_multi(
            expressions, flags, ids, lengths, UInt32(literals.count), UInt32(HS_MODE_BLOCK), nil, &database, &error)
        if rc == HS_SUCCESS, let database { return database }
        let message = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "error \(rc)"
        if let error { hs_free_compile_error(error) }
        throw .compileFailed(message)
    }
    #endif

    /// Marks `candidates[id]` for every literal found in `text`. Returns false when the text could not be
    /// prefiltered (a Kelvin sign or long s in it, or a Hyperscan failure): treat every id as a candidate.
    public func scan(_ text: String, scratch: PrefilterScratch, candidates: inout [Bool]) -> Bool {
        guard candidates.count >= idCount else { return false }
        var text = text
        return text.withUTF8 { bytes -> Bool in
            if RequiredLiterals.defeatsASCIIFolding(bytes) { return false }
            return candidates.withUnsafeMutableBufferPointer { marks -> Bool in
                switch backend {
                case .table: return scanTable(bytes, marks)
                case .hyperscan: return scanHyperscan(bytes, scratch, marks)
                }
            }
        }
    }

    private func scanTable(_ bytes: UnsafeBufferPointer<UInt8>, _ marks: UnsafeMutableBufferPointer<Bool>) -> Bool {
        let count = bytes.count
        guard count >= 2 else { return true }
        var previous = asciiLower(bytes[0])
        for i in 1..<count {
            let byte = asciiLower(bytes[i])
            defer { previous = byte }
            guard let bucket = buckets[UInt16(previous) << 8 | UInt16(byte)] else { continue }
            let start = i - 1
            for (literal, id) in bucket where !marks[id] && start + literal.count <= count {
                var j = 2
                while j < literal.count && asciiLower(bytes[start + j]) == literal[j] { j += 1 }
                if j == literal.count { marks[id] = true }
            }
        }
        return true
    }

    private func scanHyperscan(
        _ bytes: UnsafeBufferPointer<UInt8>, _ scratch: PrefilterScratch, _ marks: UnsafeMutableBufferPointer<Bool>
    ) -> Bool {
        #if REDFLAG_HYPERSCAN
        guard let database else { return true }
        guard bytes.count < Int(UInt32.max), let hsScratch = scratch.prepared(for: self, database),
            let base = (bytes.baseAddress ?? emptySubject).map({ UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) })
        else { return false }
        let rc = hs_scan(
            database, base, UInt32(bytes.count), 0, hsScratch,
            { id, _, _, _, context in
                context!.assumingMemoryBound(to: Bool.self)[Int(id)] = true
                return 0
            },
            UnsafeMutableRawPointer(marks.baseAddress))
        return rc == HS_SUCCESS
        #else
        return false
        #endif
    }
}

@inline(__always) private func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
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
