import Foundation

/// A compiled, validated pattern set. Immutable and `Sendable`: load it once and share it between scanners.
public struct RuleSet: Sendable {
    /// Name, version, bias and thresholds from `ruleset.yaml`.
    public internal(set) var settings: RuleSetSettings
    /// The closed list of tactics, in the order of `tactics.yaml`.
    public let tactics: [Tactic]
    /// Every rule, in file order (files sorted by name).
    public private(set) var rules: [Rule]
    /// Indices of meta rules, each after the meta rules it depends on.
    let metaOrder: [Int]
    /// Indices of rules by id.
    let indexByID: [String: Int]
    /// For each meta rule index, its expression with operands resolved to rule indices.
    let resolvedMeta: [Int: ResolvedMeta]
    /// Pattern rules with `unless`, and the indices of the rules that block them.
    let blockers: [(rule: Int, by: [Int])]
    /// The order pattern rules run in: the rules some `unless` names first, so a time budget that runs out
    /// never skips a blocker while running the rule it blocks.
    let scanOrder: [Int]
    /// A fingerprint of the files the set was loaded from.
    public let fingerprint: String
    /// The position of each tactic in `tactics.yaml`, to order a verdict's tactics.
    let tacticOrder: [String: Int]
    /// The lexical layer, when learned weights with one were applied (`ModelWeights`).
    public internal(set) var lexical: LexicalModel?
    /// The Hyperscan prefilter, compiled on first use and shared by every copy of the set.
    let prefilterCache = PrefilterCache()

    /// `resolvedMeta`: the meta rules' expressions over rule indices when the caller has them (a snapshot);
    /// otherwise they are resolved by id here.
    init(
        settings: RuleSetSettings, tactics: [Tactic], rules: [Rule], metaOrder: [Int], fingerprint: String,
        resolvedMeta: [Int: ResolvedMeta]? = nil
    ) {
        self.settings = settings
        self.tactics = tactics
        self.rules = rules
        self.metaOrder = metaOrder
        self.fingerprint = fingerprint
        self.tacticOrder = Dictionary(tactics.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let index = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.indexByID = index
        if let resolvedMeta {
            self.resolvedMeta = resolvedMeta
        } else {
            var resolved: [Int: ResolvedMeta] = [:]
            for i in metaOrder {
                if case .meta(let expression) = rules[i].body { resolved[i] = ResolvedMeta(expression, index: index) }
            }
            self.resolvedMeta = resolved
        }
        self.blockers = rules.indices.compactMap { i in
            rules[i].unless.isEmpty ? nil : (i, rules[i].unless.compactMap { index[$0] })
        }
        let blocking = Set(blockers.flatMap(\.by))
        self.scanOrder = blocking.sorted() + rules.indices.filter { !blocking.contains($0) }
    }

    /// Loads and compiles a pattern set, reporting every error of the run at once.
    public static func load(_ files: PatternFiles) throws(RuleSetError) -> RuleSet {
        var loader = RuleSetLoader()
        return try loader.load(files)
    }

    /// Loads the pattern set in a folder (see `Patterns/README.md`).
    public static func load(directory: String) throws(RuleSetError) -> RuleSet {
        try load(PatternFiles.read(directory: directory))
    }

    /// The default pattern set, embedded in the binary.
    public static func embedded() throws(RuleSetError) -> RuleSet {
        try load(PatternFiles.embedded)
    }

    /// The rule with this id.
    public func rule(_ id: String) -> Rule? {
        indexByID[id].map { rules[$0] }
    }

    /// Replaces every rule's and heuristic's weight with `weight(id, current)`.
    mutating func replaceWeights(_ weight: (String, Double) -> Double) {
        for index in rules.indices { rules[index].weight = weight(rules[index].id, rules[index].weight) }
        for index in settings.heuristics.indices {
            settings.heuristics[index].weight = weight(settings.heuristics[index].id, settings.heuristics[index].weight)
        }
    }

    /// The same set with other thresholds.
    public func with(thresholds: Thresholds) -> RuleSet {
        var copy = self
        copy.settings.thresholds = thresholds
        return copy
    }
}

extension RuleSet {
    /// True when rule ids are unique and every rule that a meta rule or an `unless` names exists (always so for a
    /// set the loader built; checked for one read back from a snapshot).
    var referencesResolve: Bool {
        indexByID.count == rules.count
            && resolvedMeta.count == metaOrder.count && resolvedMeta.values.allSatisfy(\.isResolved)
            && blockers.allSatisfy { rules[$0.rule].unless.count == $0.by.count }
    }
}

/// A meta expression whose operands are rule indices, for evaluation without look-ups.
indirect enum ResolvedMeta: Sendable {
    case rule(Int)
    case not(ResolvedMeta)
    case and([ResolvedMeta])
    case or([ResolvedMeta])
    case atLeast(Int, [Int])

    init(_ expression: MetaExpression, index: [String: Int]) {
        switch expression {
        case .rule(let id): self = .rule(index[id] ?? -1)
        case .not(let inner): self = .not(ResolvedMeta(inner, index: index))
        case .and(let terms): self = .and(terms.map { ResolvedMeta($0, index: index) })
        case .or(let terms): self = .or(terms.map { ResolvedMeta($0, index: index) })
        case .atLeast(let count, let ids): self = .atLeast(count, ids.map { index[$0] ?? -1 })
        }
    }

    /// The expression with each operand named by its rule's id (`ids`, by index).
    func expression(ids: [String]) -> MetaExpression {
        switch self {
        case .rule(let i): return .rule(ids[i])
        case .not(let inner): return .not(inner.expression(ids: ids))
        case .and(let terms): return .and(terms.map { $0.expression(ids: ids) })
        case .or(let terms): return .or(terms.map { $0.expression(ids: ids) })
        case .atLeast(let count, let indices): return .atLeast(count, indices.map { ids[$0] })
        }
    }

    /// True when every operand names a rule of the set.
    var isResolved: Bool {
        switch self {
        case .rule(let i): return i >= 0
        case .not(let inner): return inner.isResolved
        case .and(let terms), .or(let terms): return terms.allSatisfy(\.isResolved)
        case .atLeast(_, let indices): return indices.allSatisfy { $0 >= 0 }
        }
    }

    func evaluate(_ fired: [Bool]) -> Bool {
        switch self {
        case .rule(let i): return i >= 0 && fired[i]
        case .not(let inner): return !inner.evaluate(fired)
        case .and(let terms): return terms.allSatisfy { $0.evaluate(fired) }
        case .or(let terms): return terms.contains { $0.evaluate(fired) }
        case .atLeast(let count, let indices): return indices.lazy.filter { $0 >= 0 && fired[$0] }.count >= count
        }
    }

    /// Operand indices that fired, in the order written (for a meta rule's evidence).
    func firedOperands(_ fired: [Bool]) -> [Int] {
        switch self {
        case .rule(let i): return i >= 0 && fired[i] ? [i] : []
        case .not: return []
        case .and(let terms), .or(let terms): return terms.flatMap { $0.firedOperands(fired) }
        case .atLeast(_, let indices): return indices.filter { $0 >= 0 && fired[$0] }
        }
    }
}
