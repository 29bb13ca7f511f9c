import Foundation
import RedFlagRegex

/// How a scanner finds which pattern rules match a text. Both engines give the same hits and spans: PCRE2 is
/// the reference for what a rule means and finds every span; the engines differ in the literal prefilter that
/// decides which rules PCRE2 runs on a text.
///
/// Each pattern rule is read for the literals one of which any match must contain (`RequiredLiterals`); a view
/// of the text is searched once for the literals of all its rules, and PCRE2 runs only the rules whose literals
/// occur, and the rules without a usable literal.
public enum MatchEngine: String, Sendable, CaseIterable {
    /// Hyperscan searches for the literals. Needs a build with Hyperscan and a CPU with SSSE3.
    case hyperscan
    /// A table of two-byte prefixes in Swift searches for the literals.
    case pcre2

    /// `hyperscan` where available, else `pcre2`.
    public static var `default`: MatchEngine { LiteralPrefilter.isHyperscanSupported ? .hyperscan : .pcre2 }

    /// True when this build and CPU can use the engine.
    public var isAvailable: Bool {
        switch self {
        case .hyperscan: return LiteralPrefilter.isHyperscanSupported
        case .pcre2: return true
        }
    }

    var backend: LiteralPrefilter.Backend {
        switch self {
        case .hyperscan: return .hyperscan
        case .pcre2: return .table
        }
    }
}

/// The literal prefilter of a rule set's pattern rules, one literal search per view.
///
/// Each rule has a condition on the literals of its view (`you must pay … fee` needs one of `you|candidate…`,
/// one of `must|need…` and one of `fee|kit…`); every distinct literal of a view gets an id, and a rule is a
/// candidate when its condition holds over the ids found.
final class RulePrefilter: Sendable {
    /// What a prefilter is built from, worked out by reading every pattern (the dear part) and kept in rule-set
    /// snapshots so a later process skips that reading.
    struct Layout: Sendable, Equatable {
        /// By view kind (`ViewKind.allCases` order): the literals of the rules on that view, with their ids.
        var literals: [LiteralList]
        /// The rules' conditions, flattened (see `ConditionCode`).
        var code: ConditionCode
        /// For each rule index: where its condition starts in `code`; nil for a pattern rule that always runs (and
        /// for meta rules).
        var conditionStart: [Int?]
        /// The rules' leads (`LeadLiterals`), flattened: `[maxOffset, flags, count, id…]` per rule that has one;
        /// flags: 1 when it skips runs of spaces and digits, 2 when a digit leads too.
        var leadWords: [Int32] = []
        /// For each rule index: where its lead starts in `leadWords`; nil when it has none (PCRE2 then tries every
        /// starting point).
        var leadStart: [Int?] = []
        /// The literal ids of the lead that starts at `start` in `leadWords`.
        func leadIDs(at start: Int) -> ArraySlice<Int32> { leadWords[(start + 3)..<(start + 3 + Int(leadWords[start + 2]))] }
        /// Number of literal ids, over all views: one per distinct literal of a view.
        var literalCount: Int { literals.reduce(0) { $0 + $1.count } }

        /// True when every literal id and condition start is in range, so a layout read from a file cannot make
        /// `narrow` read out of bounds. `ruleCount`: the number of rules of the set it belongs to.
        func isConsistent(ruleCount: Int) -> Bool {
            let literalCount = literalCount
            guard literals.count == ViewKind.allCases.count, conditionStart.count == ruleCount,
                literals.allSatisfy({ $0.ids.allSatisfy { $0 < literalCount } }), leadStart.count == ruleCount
            else { return false }
            // Leads: one after the other, each `[maxOffset ≥ 0, flags 0…3, count, count ids below literalCount]`.
            var position = 0
            for start in leadStart.compactMap({ $0 }) {
                guard start == position, position + 3 <= leadWords.count, leadWords[position] >= 0,
                    (0...3).contains(leadWords[position + 1]), leadWords[position + 2] >= 0
                else { return false }
                // A lead with no string and no digit would let no match start anywhere.
                guard leadWords[position + 2] > 0 || leadWords[position + 1] & 2 != 0 else { return false }
                let end = position + 3 + Int(leadWords[position + 2])
                guard end <= leadWords.count, leadWords[(position + 3)..<end].allSatisfy({ $0 >= 0 && $0 < literalCount })
                else { return false }
                position = end
            }
            guard position == leadWords.count else { return false }
            // The conditions are appended one rule after the other: the nodes of `code`, in order.
            return code.nodeStarts(literalCount: literalCount) == conditionStart.compactMap { $0 }
        }
    }

    /// By view kind (`ViewKind.allCases` order); nil where the set has no prefiltered rule on that view.
    let databases: [LiteralPrefilter?]
    let layout: Layout
    /// By literal id: its length in bytes.
    private let literalLength: [Int]

    /// `serialized`: by view kind, Hyperscan databases this layout's prefilter serialized in an earlier run
    /// (`serializedDatabases`), read back instead of compiled where they fit.
    init(layout: Layout, backend: LiteralPrefilter.Backend, serialized: [[UInt8]?] = []) throws(PrefilterError) {
        var positional = [Bool](repeating: false, count: layout.literalCount)
        for start in layout.leadStart.compactMap({ $0 }) {
            for id in layout.leadIDs(at: start) { positional[Int(id)] = true }
        }
        self.databases = try layout.literals.indices.map { (kind) throws(PrefilterError) -> LiteralPrefilter? in
            let group = layout.literals[kind]
            return group.count == 0
                ? nil
                : try LiteralPrefilter(
                    list: group, backend: backend, positionalByID: positional,
                    serialized: kind < serialized.count ? serialized[kind] : nil)
        }
        var literalLength = [Int](repeating: 0, count: layout.literalCount)
        for group in layout.literals {
            for i in 0..<group.count { literalLength[Int(group.ids[i])] = group.literal(i).count }
        }
        self.literalLength = literalLength
        self.layout = layout
    }

    /// By view kind, each Hyperscan database serialized (nil for none, and for the table backend).
    var serializedDatabases: [[UInt8]?] { databases.map { $0?.serialized() } }

    /// True when some Hyperscan database was compiled rather than read back from serialized bytes.
    var compiledAny: Bool { databases.contains { $0?.hasHyperscanDatabase == true && !$0!.isDeserialized } }

    /// For each rule index: whether the rule has a literal condition (false: it always runs, or is a meta rule).
    func isPrefiltered(_ rule: Int) -> Bool { layout.conditionStart[rule] != nil }

    /// Narrows `toRun` (pattern rules by index) to the candidates among them in `views`, and keeps in `found`
    /// what the literal search found, for `startWindows`.
    func narrow(
        _ toRun: inout [Bool], viewNeeded: [Bool], views: inout LazyViews, scratch: PrefilterScratch,
        found: PrefilterFindings
    ) {
        found.reset(literalCount: layout.literalCount)
        for kind in ViewKind.allCases where viewNeeded[kind.index] {
            // A text the prefilter cannot read (a Kelvin sign or long s in it): every rule stays, on every
            // starting point. Checked on views without literals too, where rules may be led by a digit alone:
            // their lead's offset counts a `k` as one byte, the Kelvin sign has three.
            let readable: Bool
            if let database = databases[kind.index] {
                readable = database.scan(
                    views.view(kind).text, scratch: scratch, candidates: &found.literals, occurrences: &found.occurrences)
            } else {
                var text = views.view(kind).text
                readable = !text.withUTF8 { RequiredLiterals.defeatsASCIIFolding($0) }
            }
            if !readable {
                found.occurrences.removeAll()
                return
            }
        }
        found.indexOccurrences()
        let conditionStart = layout.conditionStart
        found.literals.withUnsafeBufferPointer { found in
            layout.code.words.withUnsafeBufferPointer { words in
                for i in toRun.indices where toRun[i] {
                    if let start = conditionStart[i], !ConditionCode.holds(words, at: start, found) { toRun[i] = false }
                }
            }
        }
    }

    /// The windows of starting points where a match of `rule` may start in `text` (the view it reads), from the
    /// occurrences of its lead literals in `found` (every match holds one of them at most `maxOffset` bytes after
    /// its start, runs of white space and digits aside when the lead skips them), sorted and merged into
    /// `windows` (empty when no lead literal occurs: no match is possible). False when the rule has no lead or
    /// `found` was not indexed (the text could not be prefiltered): then every starting point must be tried.
    /// `view`: which view `text` is, so the text's digits are found once for all the rules a digit leads.
    func startWindows(
        rule: Int, view: ViewKind, text: String, found: PrefilterFindings, into windows: inout [StartWindow]
    ) -> Bool {
        guard found.isIndexed, let start = layout.leadStart[rule] else { return false }
        windows.removeAll(keepingCapacity: true)
        let words = layout.leadWords
        let maxOffset = Int(words[start])
        let skips = words[start + 1] & 1 != 0
        let digitsLead = words[start + 1] & 2 != 0
        var text = text
        text.withUTF8 { bytes in
            if digitsLead {
                if found.digitStarts[view.index] == nil { found.digitStarts[view.index] = Self.digitStarts(in: bytes) }
                for position in found.digitStarts[view.index]! { windows.append(StartWindow(first: position, last: position)) }
            }
            // Where the lead literals start (clamped to the text, whatever a damaged snapshot says).
            for id in layout.leadIDs(at: start) {
                let id = Int(id)
                guard found.literals[id] else { continue }
                let length = literalLength[id]
                found.forEachEnd(of: id) { end in
                    let literalStart = min(max(0, end - length), bytes.count)
                    windows.append(StartWindow(first: literalStart, last: literalStart))
                }
            }
            guard skips else {
                for k in windows.indices { windows[k].first = max(0, windows[k].last - maxOffset) }
                return
            }
            // Each walk back stops at the previous start: the windows come out the same once merged, and runs of
            // spaces or digits are walked once, not once per occurrence.
            windows.sort { $0.last < $1.last }
            var floor = 0
            for k in windows.indices {
                let literalStart = windows[k].last
                windows[k].first = Self.earliestStart(endingAt: literalStart, budget: maxOffset, floor: floor, in: bytes)
                floor = literalStart
            }
        }
        guard windows.count > 1 else { return true }
        windows.sort { $0.first < $1.first }
        var merged = 0
        for window in windows.dropFirst() {
            if window.first <= windows[merged].last + 1 {
                windows[merged].last = max(windows[merged].last, window.last)
            } else {
                merged += 1
                windows[merged] = window
            }
        }
        windows.removeLast(windows.count - merged - 1)
        return true
    }
}

extension RulePrefilter {
    /// Where each character of `bytes` that may be a decimal digit starts (`LeadLiterals.mayBeDigit`): the
    /// occurrences of a digit lead.
    static func digitStarts(in bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var starts: [Int] = []
        var position = 0
        let count = bytes.count
        while position < count {
            let byte = bytes[position]
            if byte < 0x80 {
                if byte >= 0x30 && byte <= 0x39 { starts.append(position) }
                position += 1
                continue
            }
            // A character outside ASCII (the text is valid UTF-8): its width from its first byte.
            let width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            guard position + width <= count else { break }
            if width > 1, LeadLiterals.mayBeDigit(Self.scalar(at: position, width: width, in: bytes)) {
                starts.append(position)
            }
            position += width
        }
        return starts
    }

    /// The earliest start, not before `floor`, of a stretch of `bytes` ending at `end` that holds at most `budget`
    /// bytes of characters other than white space and digits (`LeadLiterals.mayBeSpaceOrDigit`), which it may hold
    /// any number of.
    static func earliestStart(endingAt end: Int, budget: Int, floor: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var position = min(end, bytes.count)
        var counted = 0
        while position > floor {
            var previous = position - 1
            while previous > 0 && (bytes[previous] & 0xC0) == 0x80 { previous -= 1 }
            let width = position - previous
            if !LeadLiterals.mayBeSpaceOrDigit(Self.scalar(at: previous, width: width, in: bytes)) {
                guard counted + width <= budget else { break }
                counted += width
            }
            position = previous
        }
        return position
    }

    /// The scalar whose UTF-8 encoding (valid: the text is a Swift string) starts at `index`.
    private static func scalar(at index: Int, width: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar {
        var value = UInt32(bytes[index])
        if width > 1 {
            value &= UInt32(0xFF >> (width + 1))
            for k in 1..<width { value = value << 6 | UInt32(bytes[index + k] & 0x3F) }
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }
}

/// What a scanner's literal search found in one text: which literal ids occur, and where the positional ones
/// (lead literals) do. Reused from text to text by one scanner.
final class PrefilterFindings {
    /// By literal id: found in the text.
    var literals: [Bool] = []
    var occurrences = LiteralOccurrences()
    /// Occurrence end offsets grouped by id (ascending within an id), and for each found positional id where
    /// its group starts in `sortedEnds`: valid when `isIndexed`.
    private var sortedIDs: [Int32] = []
    private var sortedEnds: [Int] = []
    private var groupStart: [Int32] = []
    private(set) var isIndexed = false
    /// By view kind: where the text's digits start, found for the first rule a digit leads (`startWindows`).
    var digitStarts: [[Int]?] = Array(repeating: nil, count: ViewKind.allCases.count)

    func reset(literalCount: Int) {
        if literals.count == literalCount {
            for i in literals.indices { literals[i] = false }
        } else {
            literals = [Bool](repeating: false, count: literalCount)
            groupStart = [Int32](repeating: 0, count: literalCount)
        }
        occurrences.removeAll()
        isIndexed = false
        for kind in digitStarts.indices { digitStarts[kind] = nil }
    }

    /// Groups the occurrences by id, so `forEachEnd(of:)` finds an id's in one step.
    func indexOccurrences() {
        let order = occurrences.ids.indices.sorted {
            (occurrences.ids[$0], occurrences.ends[$0]) < (occurrences.ids[$1], occurrences.ends[$1])
        }
        sortedIDs.removeAll(keepingCapacity: true)
        sortedEnds.removeAll(keepingCapacity: true)
        for (position, i) in order.enumerated() {
            let id = occurrences.ids[i]
            if position == 0 || sortedIDs[position - 1] != id { groupStart[Int(id)] = Int32(position) }
            sortedIDs.append(id)
            sortedEnds.append(occurrences.ends[i])
        }
        isIndexed = true
    }

    /// Calls `body` with the end offset of each occurrence of `id` (a found positional id).
    func forEachEnd(of id: Int, _ body: (Int) -> Void) {
        var position = Int(groupStart[id])
        while position < sortedIDs.count && sortedIDs[position] == Int32(id) {
            body(sortedEnds[position])
            position += 1
        }
    }
}

extension RulePrefilter.Layout {
    /// Reads every pattern rule of `rules` for its required literals.
    init(rules: [Rule]) {
        var ids: [[[UInt8]: Int]] = ViewKind.allCases.map { _ in [:] }
        var starts: [Int?] = Array(repeating: nil, count: rules.count)
        var leadStarts: [Int?] = Array(repeating: nil, count: rules.count)
        var leadWords: [Int32] = []
        var code = ConditionCode()
        var next = 0
        for (i, rule) in rules.enumerated() {
            guard case .pattern(let pattern) = rule.body else { continue }
            let (condition, lead) = RequiredLiterals.analyze(pattern.source, options: pattern.options)
            let view = rule.view.index
            func id(_ literal: [UInt8]) -> Int {
                if let id = ids[view][literal] { return id }
                ids[view][literal] = next
                next += 1
                return next - 1
            }
            if let condition { starts[i] = code.append(condition, id: id) }
            if let lead, lead.maxOffset < Int(Int32.max) {
                leadStarts[i] = leadWords.count
                let flags: Int32 = (lead.skipsSpacesAndDigits ? 1 : 0) | (lead.includesDigits ? 2 : 0)
                leadWords += [Int32(lead.maxOffset), flags, Int32(lead.strings.count)]
                    + lead.strings.map { Int32(id($0)) }
            }
        }
        self.init(
            literals: ids.map { LiteralList($0.map { (id: $0.value, literal: $0.key) }.sorted { $0.id < $1.id }) },
            code: code, conditionStart: starts, leadWords: leadWords, leadStart: leadStarts)
    }
}

/// Literal conditions flattened into one array of words, for evaluation without allocation: a leaf is
/// `[0, id]`, an and/or node `[1 or 2, end, children…]` with `end` the index after its last child.
struct ConditionCode: Sendable, Equatable {
    private(set) var words: [Int32] = []

    init() {}

    /// Words read back from a snapshot: check them with `nodeStarts(literalCount:)` (through
    /// `RulePrefilter.Layout.isConsistent`) before use.
    init(words: [Int32]) { self.words = words }

    /// Where each top-level node starts, when the words parse as a sequence of nodes whose leaves name ids below
    /// `literalCount`; nil when they do not. One pass over the words, with the ends of the open nodes on a stack.
    func nodeStarts(literalCount: Int) -> [Int]? {
        var starts: [Int] = []
        var open: [Int] = []  // where each enclosing and/or node ends, innermost last
        var position = 0
        let count = words.count
        while position < count {
            if open.isEmpty { starts.append(position) }
            let limit = open.last ?? count
            guard position + 1 < limit else { return nil }
            switch words[position] {
            case 0:
                let id = Int(words[position + 1])
                guard id >= 0 && id < literalCount else { return nil }
                position += 2
            case 1, 2:
                let end = Int(words[position + 1])
                guard end > position + 1, end <= limit, open.count < 256 else { return nil }
                open.append(end)
                position += 2
            default:
                return nil
            }
            // Close every node that ends here; a node must end exactly where its last child does.
            while let end = open.last, position >= end {
                guard position == end else { return nil }
                open.removeLast()
            }
        }
        return open.isEmpty ? starts : nil
    }

    /// Appends `condition` with its literals turned into ids; returns where it starts.
    mutating func append(_ condition: LiteralCondition, id: ([UInt8]) -> Int) -> Int {
        let start = words.count
        switch condition {
        case .always:
            words += [1, Int32(start + 2)]  // an empty "all" holds
        case .literal(let bytes):
            words += [0, Int32(id(bytes))]
        case .all(let terms), .any(let terms):
            if case .all = condition { words.append(1) } else { words.append(2) }
            words.append(0)
            for term in terms { _ = append(term, id: id) }
            words[start + 1] = Int32(words.count)
        }
        return start
    }

    static func holds(_ words: UnsafeBufferPointer<Int32>, at start: Int, _ found: UnsafeBufferPointer<Bool>) -> Bool {
        let tag = words[start]
        if tag == 0 { return found[Int(words[start + 1])] }
        let end = Int(words[start + 1])
        var child = start + 2
        while child < end {
            let value = holds(words, at: child, found)
            if tag == 1 && !value { return false }
            if tag == 2 && value { return true }
            child = words[child] == 0 ? child + 2 : Int(words[child + 1])
        }
        return tag == 1
    }
}

extension ViewKind {
    /// Position in `allCases`.
    var index: Int {
        switch self {
        case .raw: return 0
        case .folded: return 1
        case .normalized: return 2
        }
    }
}

/// Compiles a rule set's prefilters on first use and keeps them, so every scanner over the set shares them; keeps
/// the layout they are built from, worked out once (or read from a snapshot).
final class PrefilterCache: @unchecked Sendable {
    private let lock = NSLock()
    private var built: [MatchEngine: Result<RulePrefilter, PrefilterError>] = [:]
    private var layout: RulePrefilter.Layout?
    /// Where the Hyperscan databases are kept between runs, when the set came through a `RuleSetCache`.
    private var databaseStore: PrefilterDatabaseStore?

    /// The prefilter layout of `rules`, worked out on first use.
    func layout(for rules: [Rule]) -> RulePrefilter.Layout {
        lock.lock()
        defer { lock.unlock() }
        return layoutLocked(rules)
    }

    /// True once the layout is known, so building a prefilter costs little.
    var hasLayout: Bool {
        lock.lock()
        defer { lock.unlock() }
        return layout != nil
    }

    /// Sets the layout, read from a snapshot, before any prefilter is built.
    func preset(_ layout: RulePrefilter.Layout) {
        lock.lock()
        defer { lock.unlock() }
        if self.layout == nil { self.layout = layout }
    }

    /// Keeps the Hyperscan databases in `store`: read back from it when built, written to it when compiled.
    func keepDatabases(in store: PrefilterDatabaseStore) {
        lock.lock()
        defer { lock.unlock() }
        databaseStore = store
    }

    func prefilter(for rules: [Rule], engine: MatchEngine) -> Result<RulePrefilter, PrefilterError> {
        lock.lock()
        defer { lock.unlock() }
        if let done = built[engine] { return done }
        let layout = layoutLocked(rules)
        let store = engine == .hyperscan ? databaseStore : nil
        let stored = store?.read() ?? []
        let result = Result { () throws(PrefilterError) in
            try RulePrefilter(layout: layout, backend: engine.backend, serialized: stored)
        }
        if let store, case .success(let prefilter) = result, prefilter.compiledAny {
            store.write(prefilter.serializedDatabases)
        }
        built[engine] = result
        return result
    }

    private func layoutLocked(_ rules: [Rule]) -> RulePrefilter.Layout {
        if let layout { return layout }
        let worked = RulePrefilter.Layout(rules: rules)
        layout = worked
        return worked
    }
}

extension RuleSet {
    /// The literal prefilter of this set's pattern rules for `engine`, compiled on first use (then shared).
    func prefilter(_ engine: MatchEngine) -> Result<RulePrefilter, PrefilterError> {
        prefilterCache.prefilter(for: rules, engine: engine)
    }

    /// What this set's prefilters are built from, worked out on first use (or read from a snapshot).
    var prefilterLayout: RulePrefilter.Layout { prefilterCache.layout(for: rules) }

    /// True when the prefilter layout is already known (worked out, or read from a snapshot): then a prefilter
    /// costs little to build, even for one text.
    public var hasPrefilterLayout: Bool { prefilterCache.hasLayout }

    /// Ids of the pattern rules without a usable required literal: every engine runs them on every text of
    /// their languages.
    public var unprefilteredRuleIDs: [String] {
        guard case .success(let prefilter) = prefilter(.pcre2) else { return [] }
        // (The table backend never fails to build, so this always has the answer.)
        return rules.indices.filter { i in
            if case .pattern = rules[i].body { return !prefilter.isPrefiltered(i) } else { return false }
        }.map { rules[$0].id }
    }
}
