import Foundation

/// Settings of `redflag train`.
public struct TrainingOptions: Sendable {
    /// Cross-validation folds (group-aware).
    public var folds = 5
    public var seed: UInt64 = 1
    /// L2 penalty on rule and heuristic weights, pulling them towards the rule set's own weights.
    public var l2 = 1.0
    /// Learn a lexical layer of word and word-pair weights too.
    public var lexical = false
    /// L2 penalty on lexical weights (pulled towards 0).
    public var lexicalL2 = 0.03
    /// A word or pair becomes a feature when it occurs in at least this many training texts…
    public var minDocumentFrequency = 2
    /// …keeping at most this many, the most frequent.
    public var maxLexicalFeatures = 200_000
    /// The `scam` threshold is the lowest with at most this false-positive rate on held-out folds…
    public var maxFalsePositiveRate = 0.02
    /// …and the `suspicious` threshold the lowest with at most this one.
    public var maxFalsePositiveRateSuspicious = 0.05
    /// How the `scam` threshold is chosen on held-out scores.
    public enum ThresholdObjective: String, Sendable, CaseIterable {
        /// The lowest threshold with at most `maxFalsePositiveRate`.
        case fpr
        /// The threshold with the highest F1.
        case f1
        /// The class-balanced model's own decision boundary (its raw score 0), not tuned on held-out scores:
        /// steadier than the F1 optimum when held-out folds are harder than new texts (reposted templates).
        case balanced
    }
    public var thresholdObjective = ThresholdObjective.fpr
    /// Pull rule weights towards the rule set's own (true) or towards 0.
    public var priorFromRuleSet = true

    public init() {}
}

/// Figures of a classifier on a corpus, before or after training.
public struct TrainingFigures: Sendable {
    public let threshold: Double
    public let confusion: Confusion
    public let rocAUC: Double
    public let prAUC: Double
    public let brier: Double

    init(_ examples: [ScoredExample], threshold: Double) {
        self.threshold = threshold
        confusion = Metrics.confusion(examples, threshold: threshold)
        rocAUC = Metrics.rocAUC(examples)
        prAUC = Metrics.averagePrecision(examples)
        brier = Metrics.brierScore(examples)
    }
}

/// What training produced: the weights, and figures before (the rule set as it is, on the training texts) and
/// after (the learned weights, cross-validated: each text scored by a model that did not see its group).
public struct TrainingOutcome: Sendable {
    public let model: ModelWeights
    public let before: TrainingFigures
    public let after: TrainingFigures
    public let reliability: [ReliabilityBin]
    /// Platt scaling fitted on held-out scores: probability = σ(a · score + b).
    public let calibration: (a: Double, b: Double)
    public let featureCount: Int
    public let lexicalFeatureCount: Int
    /// The largest changes of rule weights, new minus old.
    public let changes: [(id: String, old: Double, new: Double)]
}

/// A training corpus that cannot be used.
public enum TrainingError: Error, Sendable, CustomStringConvertible {
    case needsBothClasses(scam: Int, legit: Int)
    case tooFewGroups(groups: Int, folds: Int)

    public var description: String {
        switch self {
        case .needsBothClasses(let scam, let legit):
            return "training needs scam and legit texts; the corpus has \(scam) scam and \(legit) legit"
        case .tooFewGroups(let groups, let folds):
            return "\(groups) groups of near-duplicate texts cannot fill \(folds) cross-validation folds"
        }
    }
}

/// Learns weights for a rule set from labeled texts: L2-regularized logistic regression over the rules and
/// heuristics that fired (and optionally a lexical layer), k-fold group-aware cross-validation, Platt calibration
/// on the held-out scores, thresholds for a target false-positive rate.
public struct WeightTrainer: Sendable {
    public let ruleSet: RuleSet
    public let options: TrainingOptions

    public init(ruleSet: RuleSet, options: TrainingOptions) {
        self.ruleSet = ruleSet
        self.options = options
    }

    /// The ids that get a weight: scoring rules (not sub-rules, not the canary, whose weight is fixed) and
    /// heuristics, in rule-set order.
    public var scoringIDs: [String] {
        ruleSet.rules.filter { !$0.isSubRule && $0.tactic != "canary" }.map(\.id) + ruleSet.settings.heuristics.map(\.id)
    }

    /// Trains on `records`, given the verdicts the rule set gave them (which rules fired).
    public func train(_ records: [LabeledRecord], verdicts: [Verdict], headerFacts: [(String, String)] = [])
        throws(TrainingError) -> TrainingOutcome
    {
        let labels = records.map(\.isScam)
        let scamCount = labels.filter { $0 }.count, legitCount = labels.count - scamCount
        guard scamCount > 0, legitCount > 0 else { throw .needsBothClasses(scam: scamCount, legit: legitCount) }
        let groups = records.map { $0.group ?? "id:\($0.id)" }
        guard Set(groups).count >= options.folds else { throw .tooFewGroups(groups: Set(groups).count, folds: options.folds) }

        let ids = scoringIDs
        let indexOf = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        var rows = verdicts.map { verdict in
            let fired = Set(verdict.evidence.map(\.rule)).compactMap { indexOf[$0] }.sorted()
            return SparseRow(indices: fired, values: Array(repeating: 1, count: fired.count))
        }
        var vocabulary: [(feature: String, idf: Double)] = []
        if options.lexical {
            let normalizer = Normalizer()
            let terms = records.map { LexicalModel.terms(in: normalizer.views(of: $0.text).normalized, scheme: .blocks) }
            var documentFrequency: [String: Int] = [:]
            for document in terms { for feature in document.keys { documentFrequency[feature, default: 0] += 1 } }
            let n = Double(records.count)
            vocabulary = documentFrequency.filter { $0.value >= options.minDocumentFrequency }
                .sorted { ($0.value, $1.key) > ($1.value, $0.key) }
                .prefix(options.maxLexicalFeatures)
                .map { ($0.key, log((1 + n) / (1 + Double($0.value))) + 1) }
            let idf = Dictionary(uniqueKeysWithValues: vocabulary.map { ($0.feature, $0.idf) })
            let lexicalIndex = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1.feature, ids.count + $0) })
            for (row, document) in terms.enumerated() {
                for (feature, value) in LexicalModel.values(document, scheme: .blocks, idf: { idf[$0] }).sorted(by: { $0.feature < $1.feature }) {
                    rows[row].indices.append(lexicalIndex[feature]!)
                    rows[row].values.append(value)
                }
            }
        }
        let featureCount = ids.count + vocabulary.count
        let ownWeight = Dictionary(
            ruleSet.rules.map { ($0.id, $0.weight) } + ruleSet.settings.heuristics.map { ($0.id, $0.weight) },
            uniquingKeysWith: { first, _ in first })
        var regression = LogisticRegression(featureCount: featureCount, penalty: options.l2)
        if options.priorFromRuleSet {
            for (index, id) in ids.enumerated() { regression.prior[index] = ownWeight[id] ?? 0 }
        }
        for index in ids.count..<featureCount { regression.penalties[index] = options.lexicalL2 }
        // Balanced: each class weighs as much as the other in the loss.
        let total = Double(labels.count)
        let sampleWeights = labels.map { $0 ? total / (2 * Double(scamCount)) : total / (2 * Double(legitCount)) }

        let fold = GroupFolds.assign(groups: groups, folds: options.folds, seed: options.seed)
        var heldOutScores = [Double](repeating: 0, count: rows.count)
        for k in 0..<options.folds {
            let training = rows.indices.filter { fold[$0] != k }
            let fit = regression.fit(
                training.map { rows[$0] }, labels: training.map { labels[$0] },
                sampleWeights: training.map { sampleWeights[$0] }, initialBias: ruleSet.settings.bias)
            for index in rows.indices where fold[index] == k { heldOutScores[index] = rows[index].dot(fit.weights) + fit.bias }
        }
        // Platt scaling on held-out scores, unweighted so the probabilities match the corpus's class balance.
        var platt = LogisticRegression(featureCount: 1, penalty: 1e-6)
        platt.prior = [1]
        let scaling = platt.fit(heldOutScores.map { SparseRow(indices: [0], values: [$0]) }, labels: labels)
        let a = scaling.weights[0], b = scaling.bias
        let heldOut = zip(heldOutScores, labels).map { ScoredExample(probability: 1 / (1 + exp(-(a * $0 + b))), isScam: $1) }
        let scam = switch options.thresholdObjective {
        case .fpr: Metrics.threshold(forFalsePositiveRate: options.maxFalsePositiveRate, heldOut) ?? 0.5
        case .f1: Metrics.thresholdMaximizingF1(heldOut) ?? 0.5
        case .balanced: 1 / (1 + exp(-b))
        }
        let suspicious = min(scam, Metrics.threshold(forFalsePositiveRate: options.maxFalsePositiveRateSuspicious, heldOut) ?? scam)
        let thresholds = Thresholds(suspicious: min(max(suspicious, 0.01), 0.99), scam: min(max(scam, 0.01), 0.99))

        let final = regression.fit(rows, labels: labels, sampleWeights: sampleWeights, initialBias: ruleSet.settings.bias)
        var weights: [String: Double] = [:]
        for (index, id) in ids.enumerated() { weights[id] = a * final.weights[index] }
        var lexical: LexicalModel?
        if options.lexical {
            var features: [String: LexicalModel.Feature] = [:]
            for (offset, entry) in vocabulary.enumerated() {
                features[entry.feature] = LexicalModel.Feature(weight: a * final.weights[ids.count + offset], idf: entry.idf)
            }
            lexical = LexicalModel(features: features, scheme: .blocks)
        }
        let before = TrainingFigures(
            zip(verdicts, labels).map { ScoredExample(probability: $0.probability, isScam: $1) },
            threshold: ruleSet.settings.thresholds.scam)
        let after = TrainingFigures(heldOut, threshold: thresholds.scam)
        let reliability = Metrics.reliability(heldOut)

        var header = JSONWriter()
        header.beginObject()
        header.key("redflag_version"); header.string(RedFlagVersion.current)
        header.key("rule_set"); header.string("\(ruleSet.settings.name) \(ruleSet.settings.version)")
        for (key, value) in headerFacts { header.key(key); header.string(value) }
        header.key("records"); header.int(records.count)
        header.key("scam"); header.int(scamCount)
        header.key("legit"); header.int(legitCount)
        header.key("folds"); header.int(options.folds)
        header.key("seed"); header.raw(String(options.seed))
        header.key("l2"); header.number(options.l2)
        header.key("lexical_l2"); header.number(options.lexicalL2)
        header.key("lexical_features"); header.int(vocabulary.count)
        header.key("threshold_objective"); header.string(options.thresholdObjective.rawValue)
        header.key("max_fpr"); header.number(options.maxFalsePositiveRate)
        header.key("calibration"); header.beginObject(); header.key("a"); header.number(a); header.key("b"); header.number(b); header.endObject()
        for (name, figures) in [("before", before), ("cross_validated", after)] {
            header.key(name)
            header.beginObject()
            header.key("threshold"); header.number(figures.threshold)
            header.key("precision"); header.number(figures.confusion.precision)
            header.key("recall"); header.number(figures.confusion.recall)
            header.key("f1"); header.number(figures.confusion.f1)
            header.key("fpr"); header.number(figures.confusion.falsePositiveRate)
            header.key("roc_auc"); header.number(figures.rocAUC)
            header.key("pr_auc"); header.number(figures.prAUC)
            header.key("brier"); header.number(figures.brier)
            header.endObject()
        }
        header.endObject()

        let model = ModelWeights(
            weights: weights, bias: a * final.bias + b, thresholds: thresholds, lexical: lexical,
            headerJSON: header.output, ruleSetFingerprint: ruleSet.fingerprint)
        let changes = ids.map { ($0, ownWeight[$0] ?? 0, weights[$0]!) }
            .sorted { (abs($0.2 - $0.1), $1.0) > (abs($1.2 - $1.1), $0.0) }
            .prefix(15).map { (id: $0.0, old: $0.1, new: $0.2) }
        return TrainingOutcome(
            model: model, before: before, after: after, reliability: reliability, calibration: (a, b),
            featureCount: featureCount, lexicalFeatureCount: vocabulary.count, changes: Array(changes))
    }
}
