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
    /// By view kind (`ViewKind.allCases` order); nil where the set has no prefiltered rule on that view.
    let databases: [LiteralPrefilter?]
    /// The rules' conditions, flattened (see `ConditionCode`).
    let code: ConditionCode
    /// For each rule index: where its condition starts in `code`; nil for a pattern rule that always runs (and
    /// for meta rules).
    let conditionStart: [Int?]
    /// Number of literal ids, over all views.
    let literalCount: Int

    init(rules: [Rule], backend: LiteralPrefilter.Backend) throws(PrefilterError) {
        var ids: [[[UInt8]: Int]] = ViewKind.allCases.map { _ in [:] }
        var starts: [Int?] = Array(repeating: nil, count: rules.count)
        var code = ConditionCode()
        var next = 0
        for (i, rule) in rules.enumerated() {
            guard case .pattern(let pattern) = rule.body,
                let condition = RequiredLiterals.extract(pattern.source, options: pattern.options)
            else { continue }
            let view = rule.view.index
            starts[i] = code.append(condition) { literal in
                if let id = ids[view][literal] { return id }
                ids[view][literal] = next
                next += 1
                return next - 1
            }
        }
        self.databases = try ids.map { (group) throws(PrefilterError) -> LiteralPrefilter? in
            group.isEmpty ? nil : try LiteralPrefilter(literals: group.map { (id: $0.value, literal: $0.key) }, backend: backend)
        }
        self.code = code
        self.conditionStart = starts
        self.literalCount = next
    }

    /// Narrows `toRun` (pattern rules by index) to the candidates among them in `views`.
    func narrow(_ toRun: inout [Bool], viewNeeded: [Bool], views: inout LazyViews, scratch: PrefilterScratch) {
        var found = [Bool](repeating: false, count: literalCount)
        for kind in ViewKind.allCases where viewNeeded[kind.index] {
            guard let database = databases[kind.index] else { continue }
            // A text the prefilter cannot read (a Kelvin sign or long s in it): every rule stays.
            if !database.scan(views.view(kind).text, scratch: scratch, candidates: &found) { return }
        }
        found.withUnsafeBufferPointer { found in
            code.words.withUnsafeBufferPointer { words in
                for i in toRun.indices where toRun[i] {
                    if let start = conditionStart[i], !ConditionCode.holds(words, at: start, found) { toRun[i] = false }
                }
            }
        }
    }
}

/// Literal conditions flattened into one array of words, for evaluation without allocation: a leaf is
/// `[0, id]`, an and/or node `[1 or 2, end, children…]` with `end` the index after its last child.
struct ConditionCode: Sendable {
    private(set) var words: [Int32] = []

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

/// Compiles a rule set's prefilters on first use and keeps them, so every scanner over the set shares them.
final class PrefilterCache: @unchecked Sendable {
    private let lock = NSLock()
    private var built: [MatchEngine: Result<RulePrefilter, PrefilterError>] = [:]

    func prefilter(for rules: [Rule], engine: MatchEngine) -> Result<RulePrefilter, PrefilterError> {
        lock.lock()
        defer { lock.unlock() }
        if let done = built[engine] { return done }
        let result = Result { () throws(PrefilterError) in try RulePrefilter(rules: rules, backend: engine.backend) }
        built[engine] = result
        return result
    }
}

extension RuleSet {
    /// The literal prefilter of this set's pattern rules for `engine`, compiled on first use (then shared).
    func prefilter(_ engine: MatchEngine) -> Result<RulePrefilter, PrefilterError> {
        prefilterCache.prefilter(for: rules, engine: engine)
    }

    /// Ids of the pattern rules without a usable required literal: every engine runs them on every text of
    /// their languages.
    public var unprefilteredRuleIDs: [String] {
        guard case .success(let prefilter) = prefilter(.pcre2) else { return [] }
        // (The table backend never fails to build, so this always has the answer.)
        return rules.indices.filter { i in
            if case .pattern = rules[i].body { return prefilter.conditionStart[i] == nil } else { return false }
        }.map { rules[$0].id }
    }
}
