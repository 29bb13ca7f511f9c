import CPCRE2
import Synchronization

/// Options a pattern is compiled with. UTF and UCP are always on.
public struct PatternOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Letters match regardless of case (PCRE2_CASELESS).
    public static let caseless = PatternOptions(rawValue: 1 << 0)
    /// `^` and `$` match at line starts and ends (PCRE2_MULTILINE).
    public static let multiline = PatternOptions(rawValue: 1 << 1)
    /// `.` also matches a newline (PCRE2_DOTALL).
    public static let dotAll = PatternOptions(rawValue: 1 << 2)
    /// White space and `#` comments in the pattern are ignored (PCRE2_EXTENDED).
    public static let extended = PatternOptions(rawValue: 1 << 3)

    /// The defaults for rules: caseless.
    public static let `default`: PatternOptions = [.caseless]

    var pcre2Flags: UInt32 {
        // USE_OFFSET_LIMIT: so a match may be confined to start in a window (`forEachMatch(in:startingIn:…)`).
        var flags = UInt32(PCRE2_UTF | PCRE2_UCP) | UInt32(PCRE2_USE_OFFSET_LIMIT)
        if contains(.caseless) { flags |= UInt32(PCRE2_CASELESS) }
        if contains(.multiline) { flags |= UInt32(PCRE2_MULTILINE) }
        if contains(.dotAll) { flags |= UInt32(PCRE2_DOTALL) }
        if contains(.extended) { flags |= UInt32(PCRE2_EXTENDED) }
        return flags
    }
}

/// Bounds on the work one match attempt may do.
///
/// The defaults stop a runaway pattern in milliseconds on ordinary hardware while no sane rule
/// comes near them.
public struct MatchLimits: Sendable, Hashable {
    /// PCRE2's match limit: calls of its internal match function (also counted by JIT). Default 1,000,000.
    public var matchLimit: UInt32
    /// PCRE2's depth limit (backtracking depth, interpreter only). Default 10,000.
    public var depthLimit: UInt32
    /// PCRE2's heap limit in KiB (interpreter only). Default 20,000 (20 MB).
    public var heapLimitKiB: UInt32

    public init(matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000, heapLimitKiB: UInt32 = 20_000) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.heapLimitKiB = heapLimitKiB
    }

    public static let `default` = MatchLimits()
}

/// A pattern that PCRE2 refused to compile.
public struct PatternCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// PCRE2's message, e.g. "missing closing parenthesis".
    public let message: String
    /// Byte offset in the pattern where PCRE2 stopped.
    public let offset: Int
    /// PCRE2's numeric error code.
    public let code: Int32

    public var description: String { "\(message) at offset \(offset)" }
}

/// A match attempt that was stopped by a limit, or failed inside PCRE2.
public enum MatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The match, depth, heap or JIT stack limit was reached.
    case limitExceeded(String)
    /// Another PCRE2 failure, with its message.
    case failed(code: Int32, message: String)

    public var description: String {
        switch self {
        case .limitExceeded(let which): return "\(which) exceeded"
        case .failed(_, let message): return message
        }
    }
}

/// A byte range of a match in the UTF-8 subject: `start..<end`.
public struct MatchSpan: Sendable, Hashable {
    public let start: Int
    public let end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// A compiled PCRE2 pattern, JIT-compiled once it has been used a few times. Safe to share between threads.
public final class CompiledPattern: @unchecked Sendable {
    /// The pattern's source text.
    public var source: String {
        if let eagerSource { return eagerSource }
        return lazySource.withLock { cached in
            if let cached { return cached }
            let decoded = String(decoding: sourceUTF8, as: UTF8.self)
            cached = decoded
            return decoded
        }
    }
    /// The source as given, or nil for a pattern made from UTF-8 bytes (`init(deferredUTF8:options:)`), whose
    /// text is decoded only if asked for (compiling reads the bytes).
    private let eagerSource: String?
    private let sourceUTF8: ArraySlice<UInt8>
    private let lazySource = Mutex<String?>(nil)
    /// The options it was compiled with.
    public let options: PatternOptions
    /// The compiled pattern, published once made (at init, or at the first match of a deferred pattern); never
    /// modified after, so the interpreter may run it on any thread.
    private let code = Atomic<OpaquePointer?>(nil)
    /// A JIT-compiled copy of `code`, published once made.
    private let jitCode = Atomic<OpaquePointer?>(nil)
    /// Match calls so far (counted until the JIT compiler has been run).
    private let uses = Atomic<Int>(0)
    /// Set once the JIT compiler has been run, whatever it answered.
    private let jitTried = Atomic<Bool>(false)
    /// Held while compiling; a deferred pattern that failed to compile keeps its error here.
    private let lock = Mutex<PatternCompileError?>(nil)

    /// Match calls before the pattern is JIT-compiled: one text (`redflag check`) runs most rules once, and the
    /// interpreter matches one text faster than the JIT compiler compiles.
    public static let usesBeforeJIT = 3

    /// True when PCRE2's JIT compiler accepts the pattern (running it now if it has not run yet).
    public var isJITCompiled: Bool {
        guard let code = try? compiledCode() else { return false }
        compileJIT(code)
        return jitCode.load(ordering: .acquiring) != nil
    }

    /// Compiles `source` with UTF, UCP and the given options. JIT compilation waits for the first matches, so a
    /// set whose rules mostly never run on a text (one message, one language) does not pay for all of them.
    public init(_ source: String, options: PatternOptions = .default) throws(PatternCompileError) {
        self.eagerSource = source
        self.sourceUTF8 = []
        self.options = options
        code.store(try Self.compile(Array(source.utf8)[...], options), ordering: .releasing)
    }

    /// A pattern known to compile (it did when its rule set was checked), compiled at its first match: loading
    /// a saved rule set then costs nothing for the rules a text never reaches. Should it fail after all (another
    /// PCRE2), every match attempt throws `MatchError.failed` with PCRE2's message.
    public init(deferred source: String, options: PatternOptions = .default) {
        self.eagerSource = source
        self.sourceUTF8 = []
        self.options = options
    }

    /// The same for a source given as UTF-8 bytes (a saved rule set's): neither compiled nor decoded into a
    /// string until needed. Bytes that are not UTF-8 fail to compile (PCRE2 checks them).
    public init(deferredUTF8 source: ArraySlice<UInt8>, options: PatternOptions = .default) {
        self.eagerSource = nil
        self.sourceUTF8 = source
        self.options = options
    }

    /// The source's UTF-8 bytes.
    private var utf8Source: ArraySlice<UInt8> { eagerSource.map { Array($0.utf8)[...] } ?? sourceUTF8 }

    private static func compile(_ source: ArraySlice<UInt8>, _ options: PatternOptions) throws(PatternCompileError) -> OpaquePointer {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        // PCRE2 reads `count` bytes; a non-null pointer even for an empty pattern.
        let compiled: OpaquePointer? = source.withUnsafeBufferPointer { bytes in
            pcre2_compile_8(bytes.baseAddress ?? emptySubject, bytes.count, options.pcre2Flags, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw PatternCompileError(message: pcre2Message(errorCode), offset: errorOffset, code: errorCode)
        }
        return compiled
    }

    deinit {
        if let code = code.load(ordering: .acquiring) { pcre2_code_free_8(code) }
        if let jit = jitCode.load(ordering: .acquiring) { pcre2_code_free_8(jit) }
    }

    /// The compiled pattern, compiling a deferred one now (once, whichever thread comes first).
    private func compiledCode() throws(MatchError) -> OpaquePointer {
        if let code = code.load(ordering: .acquiring) { return code }
        let result: Result<OpaquePointer, PatternCompileError> = lock.withLock { failure in
            if let code = code.load(ordering: .acquiring) { return .success(code) }
            if let failure { return .failure(failure) }
            do throws(PatternCompileError) {
                let compiled = try Self.compile(utf8Source, options)
                code.store(compiled, ordering: .releasing)
                return .success(compiled)
            } catch {
                failure = error
                return .failure(error)
            }
        }
        switch result {
        case .success(let code): return code
        case .failure(let error): throw .failed(code: error.code, message: "pattern does not compile: \(error)")
        }
    }

    /// Subjects longer than this are matched JIT-compiled from the first use: the interpreter's depth and heap
    /// limits differ from the JIT's stack limit, and long texts are where a pattern comes near them, so every
    /// long text is matched the same way whichever thread meets the pattern first.
    public static let interpretedSubjectLimit = 4_096

    /// True once the JIT-compiled copy exists (without compiling it, unlike `isJITCompiled`).
    var hasJITCode: Bool { jitCode.load(ordering: .acquiring) != nil }

    /// The code to match with: the JIT-compiled copy once there is one, the interpreted code before.
    @inline(__always)
    fileprivate func codeForMatch(subjectLength: Int) throws(MatchError) -> OpaquePointer {
        if let jit = jitCode.load(ordering: .acquiring) { return jit }
        let code = try compiledCode()
        if !jitTried.load(ordering: .acquiring),
            subjectLength > Self.interpretedSubjectLimit
                || uses.wrappingAdd(1, ordering: .relaxed).newValue >= Self.usesBeforeJIT
        {
            compileJIT(code)
            if let jit = jitCode.load(ordering: .acquiring) { return jit }
        }
        return code
    }

    /// JIT-compiles a copy of `code`, once. The copy is published only when complete, and `code` is never
    /// touched, so other threads go on matching meanwhile.
    private func compileJIT(_ code: OpaquePointer) {
        if jitTried.load(ordering: .acquiring) { return }
        lock.withLock { _ in
            guard !jitTried.load(ordering: .acquiring) else { return }
            if let copy = pcre2_code_copy_8(code) {
                if pcre2_jit_compile_8(copy, UInt32(PCRE2_JIT_COMPLETE)) == 0 {
                    jitCode.store(copy, ordering: .releasing)
                } else {
                    pcre2_code_free_8(copy)
                }
            }
            jitTried.store(true, ordering: .releasing)
        }
    }

    /// Every non-overlapping match in `subject`, left to right, as byte spans.
    ///
    /// `scratch` must not be used by another thread at the same time.
    public func matches(in subject: String, scratch: MatchScratch) throws(MatchError) -> [MatchSpan] {
        var spans: [MatchSpan] = []
        try forEachMatch(in: subject, scratch: scratch) { spans.append($0); return true }
        return spans
    }

    /// True when the pattern matches anywhere in `subject`.
    public func firstMatch(in subject: String, scratch: MatchScratch) throws(MatchError) -> MatchSpan? {
        var first: MatchSpan?
        try forEachMatch(in: subject, scratch: scratch) { first = $0; return false }
        return first
    }

    /// Calls `body` with each match in turn until it returns false.
    ///
    /// The whole subject is always passed to PCRE2 with a start offset, so `\b` and look-behinds see the
    /// text before the offset. Subjects come from Swift strings, which are valid UTF-8, so PCRE2's UTF
    /// check is skipped.
    public func forEachMatch(
        in subject: String, scratch: MatchScratch, _ body: (MatchSpan) -> Bool
    ) throws(MatchError) {
        let code = try codeForMatch(subjectLength: subject.utf8.count)
        var subject = subject
        let result: MatchError? = subject.withUTF8 { buffer -> MatchError? in
            guard let base = buffer.baseAddress ?? emptySubject else { return nil }
            let length = buffer.count
            var offset = 0
            while offset <= length {
                let rc = pcre2_match_8(
                    code, base, length, offset, UInt32(PCRE2_NO_UTF_CHECK), scratch.matchData, scratch.context)
                if rc == PCRE2_ERROR_NOMATCH { return nil }
                if rc < 0 { return MatchError(pcre2Code: rc) }
                let vector = pcre2_get_ovector_pointer_8(scratch.matchData)!
                let start = vector[0]
                let end = vector[1]
                guard body(MatchSpan(start: start, end: end)) else { return nil }
                // After an empty match, step over one whole character so the next try starts on a boundary.
                offset = nextOffset(after: start, end, in: buffer)
            }
            return nil
        }
        if let result { throw result }
    }
}

/// Byte offsets where a match may start, `first...last`: the windows `forEachMatch(in:startingIn:…)` tries.
public struct StartWindow: Sendable, Equatable {
    public var first: Int
    public var last: Int
    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }
}

extension CompiledPattern {
    /// Calls `body` with each match in turn until it returns false, as `forEachMatch(in:scratch:_:)`, trying only
    /// starting points inside `windows` (sorted, not overlapping). When every match of the pattern in `subject`
    /// starts inside a window, the matches are exactly those of `forEachMatch(in:scratch:_:)`: the windows only
    /// spare PCRE2 the starting points where no match can start (and so, rarely, a match limit reached at one of
    /// them, which the whole search would report as an error). nil windows: every starting point.
    public func forEachMatch(
        in subject: String, startingIn windows: [StartWindow]?, scratch: MatchScratch, _ body: (MatchSpan) -> Bool
    ) throws(MatchError) {
        guard let windows else { return try forEachMatch(in: subject, scratch: scratch, body) }
        guard !windows.isEmpty else { return }
        let code = try codeForMatch(subjectLength: subject.utf8.count)
        var subject = subject
        let result: MatchError? = subject.withUTF8 { buffer -> MatchError? in
            guard let base = buffer.baseAddress ?? emptySubject else { return nil }
            let length = buffer.count
            defer { pcre2_set_offset_limit_8(scratch.context, unsetOffsetLimit) }
            var offset = 0  // where the next match may start: after the last one
            for window in windows where window.last >= offset && window.first <= length {
                var start = max(window.first, offset)
                // A window may begin inside a character: back to its first byte (PCRE2 must start on one).
                while start > offset && start < length && (buffer[start] & 0xC0) == 0x80 { start -= 1 }
                pcre2_set_offset_limit_8(scratch.context, min(window.last, length))
                while start <= window.last && start <= length {
                    let rc = pcre2_match_8(
                        code, base, length, start, UInt32(PCRE2_NO_UTF_CHECK), scratch.matchData, scratch.context)
                    if rc == PCRE2_ERROR_NOMATCH { break }
                    if rc < 0 { return MatchError(pcre2Code: rc) }
                    let vector = pcre2_get_ovector_pointer_8(scratch.matchData)!
                    let (matchStart, matchEnd) = (vector[0], vector[1])
                    guard body(MatchSpan(start: matchStart, end: matchEnd)) else { return nil }
                    offset = nextOffset(after: matchStart, matchEnd, in: buffer)
                    start = offset
                }
            }
            return nil
        }
        if let result { throw result }
    }
}

/// Where the search goes on after a match: its end, or past one character after an empty match.
private func nextOffset(after start: Int, _ end: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Int {
    if end > start { return end }
    var offset = end + 1
    while offset < buffer.count && (buffer[offset] & 0xC0) == 0x80 { offset += 1 }
    return offset
}

/// PCRE2_UNSET as an offset limit: no limit.
private let unsetOffsetLimit = Int(bitPattern: UInt.max)

nonisolated(unsafe) let emptySubject: UnsafePointer<UInt8>? = {
    let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    pointer.initialize(to: 0)
    return UnsafePointer(pointer)
}()

/// Per-thread working memory for matching: PCRE2 match data, a match context with limits, and a JIT stack.
///
/// A scratch belongs to one scanner at a time; it is not `Sendable`.
public final class MatchScratch {
    let matchData: OpaquePointer
    let context: OpaquePointer
    private let jitStack: OpaquePointer?
    /// The limits every match made with this scratch obeys.
    public let limits: MatchLimits

    public init(limits: MatchLimits = .default) {
        self.limits = limits
        matchData = pcre2_match_data_create_8(1, nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }
}

extension MatchError {
    init(pcre2Code rc: Int32) {
        switch rc {
        case PCRE2_ERROR_MATCHLIMIT: self = .limitExceeded("match limit")
        case PCRE2_ERROR_DEPTHLIMIT: self = .limitExceeded("depth limit")
        case PCRE2_ERROR_HEAPLIMIT: self = .limitExceeded("heap limit")
        case PCRE2_ERROR_JIT_STACKLIMIT: self = .limitExceeded("JIT stack limit")
        default: self = .failed(code: rc, message: pcre2Message(rc))
        }
    }
}

/// PCRE2's text for an error code.
func pcre2Message(_ code: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
    guard length > 0 else { return "pcre2 error \(code)" }
    return String(decoding: buffer[0..<Int(length)], as: UTF8.self)
}

/// The version of the PCRE2 library in use, e.g. "10.42 2022-12-11".
public var pcre2Version: String {
    var buffer = [UInt8](repeating: 0, count: 64)
    let length = pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), &buffer)
    guard length > 1 else { return "unknown" }
    return String(decoding: buffer[0..<Int(length - 1)], as: UTF8.self)
}
