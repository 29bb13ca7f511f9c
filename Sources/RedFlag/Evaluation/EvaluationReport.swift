import Foundation

/// Where a report's figures come from, so they can be reproduced.
public struct Provenance: Sendable {
    public var version = RedFlagVersion.current
    public var ruleSetName: String
    public var ruleSetVersion: String
    public var ruleSetFingerprint: String
    /// SHA-256 of the weights file (and its lexical layer), when one was loaded.
    public var weightsHash: String?
    public var corpusHash: String
    public var sources: [CorpusSource]
    public var split: String?
    public var date: String

    public init(ruleSet: RuleSet, corpus: LabeledCorpus, weightsHash: String?, split: String?, date: Date = Date()) {
        ruleSetName = ruleSet.settings.name
        ruleSetVersion = ruleSet.settings.version
        ruleSetFingerprint = ruleSet.fingerprint
        self.weightsHash = weightsHash
        corpusHash = corpus.sha256
        sources = corpus.sources
        self.split = split
        self.date = ISO8601DateFormatter().string(from: date)
    }
}

/// The evaluation of a rule set (and its weights) on a labeled corpus: what `redflag eval` reports.
public struct EvaluationReport: Sendable {
    /// Counts and rates for a slice of the corpus (a language).
    public struct Slice: Sendable {
        public let key: String
        public let counts: Confusion
    }

    /// A tactic: recall on the scam texts the corpus tags with it, and how often verdicts show it.
    public struct TacticRow: Sendable {
        public let tactic: String
        /// Scam texts the corpus tags with this tactic, and how many of them were flagged.
        public let tagged: Int
        public let taggedFlagged: Int
        /// Texts whose verdict shows this tactic.
        public let shownInScam: Int
        public let shownInLegit: Int
    }

    /// A rule's hits, as in SpamAssassin's hit-frequencies.
    public struct RuleRow: Sendable {
        public let id: String
        public let tactic: String
        public let weight: Double
        public let scamHits: Int
        public let legitHits: Int
        public let scamShare: Double
        public let legitShare: Double
        /// scamShare / (scamShare + legitShare): 1 fires only on scam, 0 only on legit.
        public let ratio: Double
        public let seconds: Double
    }

    public let provenance: Provenance
    /// Records read but skipped, by label; records that could not be read.
    public let skippedLabels: [String: Int]
    public let failures: Int
    public let examples: [ScoredExample]
    /// The decision at the `scam` threshold, and at the `suspicious` one (texts flagged for review).
    public let confusion: Confusion
    public let flagged: Confusion
    public let rocAUC: Double
    public let prAUC: Double
    public let brier: Double
    public let sweep: [Confusion]
    public let roc: [CurvePoint]
    public let pr: [CurvePoint]
    public let reliability: [ReliabilityBin]
    public let histogram: (scam: [Int], legit: [Int])
    public let languages: [Slice]
    public let tactics: [TacticRow]
    public let rules: [RuleRow]
    /// Pattern rules by total time, slowest first.
    public let slowestRules: [(id: String, seconds: Double)]
    /// Wall-clock seconds to classify the corpus.
    public let seconds: Double
    /// Test records whose near-duplicate group also has dev records (a leak between the splits).
    public let crossSplitNearDuplicates: Int?

    public var n: Int { examples.count }

    /// Builds the report from a corpus and the verdicts on its records (same order).
    public init(
        corpus: LabeledCorpus, classification: CorpusClassification, ruleSet: RuleSet, provenance: Provenance,
        threshold: Double? = nil, crossSplitNearDuplicates: Int? = nil
    ) {
        let records = corpus.records, verdicts = classification.verdicts
        precondition(records.count == verdicts.count, "one verdict per record")
        self.provenance = provenance
        skippedLabels = corpus.skippedLabels
        failures = corpus.failures.count
        let examples = zip(verdicts, records).map { ScoredExample(probability: $0.probability, isScam: $1.isScam) }
        self.examples = examples
        let thresholds = ruleSet.settings.thresholds
        let cut = threshold ?? thresholds.scam
        confusion = Metrics.confusion(examples, threshold: cut)
        flagged = Metrics.confusion(examples, threshold: min(cut, thresholds.suspicious))
        rocAUC = Metrics.rocAUC(examples)
        prAUC = Metrics.averagePrecision(examples)
        brier = Metrics.brierScore(examples)
        let steps = (1...19).map { Double($0) / 20 } + [cut, thresholds.suspicious]
        sweep = Metrics.sweep(examples, thresholds: Array(Set(steps)).sorted())
        roc = Metrics.rocCurve(examples)
        pr = Metrics.prCurve(examples)
        reliability = Metrics.reliability(examples)
        histogram = Metrics.histogram(examples)
        self.seconds = classification.seconds
        self.crossSplitNearDuplicates = crossSplitNearDuplicates

        var byLanguage: [String: [ScoredExample]] = [:]
        for (record, verdict) in zip(records, verdicts) {
            byLanguage[record.language ?? verdict.language ?? "unknown", default: []]
                .append(ScoredExample(probability: verdict.probability, isScam: record.isScam))
        }
        languages = byLanguage.keys.sorted().map { Slice(key: $0, counts: Metrics.confusion(byLanguage[$0]!, threshold: cut)) }

        tactics = ruleSet.tactics.map { tactic in
            var tagged = 0, taggedFlagged = 0, shownInScam = 0, shownInLegit = 0
            for (record, verdict) in zip(records, verdicts) {
                if record.isScam && record.tactics.contains(tactic.id) {
                    tagged += 1
                    if verdict.probability >= cut { taggedFlagged += 1 }
                }
                if verdict.tactics.contains(tactic.id) {
                    if record.isScam { shownInScam += 1 } else { shownInLegit += 1 }
                }
            }
            return TacticRow(
                tactic: tactic.id, tagged: tagged, taggedFlagged: taggedFlagged, shownInScam: shownInScam,
                shownInLegit: shownInLegit)
        }.filter { $0.tagged + $0.shownInScam + $0.shownInLegit > 0 }

        let scamCount = max(1, records.filter(\.isScam).count), legitCount = max(1, records.filter { !$0.isScam }.count)
        var scamHits: [String: Int] = [:], legitHits: [String: Int] = [:]
        for (record, verdict) in zip(records, verdicts) {
            for id in Set(verdict.evidence.map(\.rule)) {
                if record.isScam { scamHits[id, default: 0] += 1 } else { legitHits[id, default: 0] += 1 }
            }
        }
        var seconds: [String: Double] = [:]
        for (index, rule) in ruleSet.rules.enumerated() where index < classification.ruleSeconds.count {
            seconds[rule.id] = classification.ruleSeconds[index]
        }
        let scorers: [(id: String, tactic: String, weight: Double)] =
            ruleSet.rules.filter { !$0.isSubRule }.map { ($0.id, $0.tactic ?? "", $0.weight) }
            + ruleSet.settings.heuristics.map { ($0.id, $0.tactic, $0.weight) }
        rules = scorers.compactMap { rule in
            let s = scamHits[rule.id] ?? 0, l = legitHits[rule.id] ?? 0
            guard s + l > 0 else { return nil }
            let scamShare = Double(s) / Double(scamCount), legitShare = Double(l) / Double(legitCount)
            return RuleRow(
                id: rule.id, tactic: rule.tactic, weight: rule.weight, scamHits: s, legitHits: l, scamShare: scamShare,
                legitShare: legitShare, ratio: scamShare / (scamShare + legitShare), seconds: seconds[rule.id] ?? 0)
        }.sorted { ($0.scamHits + $0.legitHits, $1.id) > ($1.scamHits + $1.legitHits, $0.id) }
        slowestRules = seconds.filter { $0.value > 0 }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(15).map { ($0.key, $0.value) }
    }
}
