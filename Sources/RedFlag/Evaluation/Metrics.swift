import Foundation

/// A classified example: the model's probability that it is a scam and its gold label.
public struct ScoredExample: Sendable, Hashable {
    public let probability: Double
    public let isScam: Bool

    public init(probability: Double, isScam: Bool) {
        self.probability = probability
        self.isScam = isScam
    }
}

/// Counts of a binary decision at one threshold, and the rates derived from them.
///
/// A rate whose denominator is zero (precision with nothing flagged, recall with no scam, FPR with no legit text)
/// is NaN, written as `null` in JSON: it is undefined, not zero.
public struct Confusion: Sendable, Hashable {
    public var threshold: Double
    public var tp = 0, fp = 0, tn = 0, fn = 0

    public init(threshold: Double, tp: Int = 0, fp: Int = 0, tn: Int = 0, fn: Int = 0) {
        self.threshold = threshold
        self.tp = tp; self.fp = fp; self.tn = tn; self.fn = fn
    }

    public var n: Int { tp + fp + tn + fn }
    public var precision: Double { ratio(tp, tp + fp) }
    public var recall: Double { ratio(tp, tp + fn) }
    public var falsePositiveRate: Double { ratio(fp, fp + tn) }
    public var accuracy: Double { ratio(tp + tn, n) }
    /// The harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined.
    public var f1: Double {
        let p = precision, r = recall
        guard p.isFinite, r.isFinite else { return .nan }
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? .nan : Double(a) / Double(b) }
}

/// A point of a ROC or precision-recall curve.
public struct CurvePoint: Sendable, Hashable {
    public let x: Double
    public let y: Double
    /// The lowest probability counted as scam at this point.
    public let threshold: Double
}

/// One bin of a reliability table: predicted probability against the observed share of scams.
public struct ReliabilityBin: Sendable, Hashable {
    public let lower: Double
    public let upper: Double
    public let count: Int
    public let meanProbability: Double
    public let scamShare: Double
}

/// Metrics of a binary classifier over scored examples. An example is counted as scam when its probability is at
/// or above the threshold. Equal probabilities (ties) are treated as one threshold step, as scikit-learn does.
public enum Metrics {
    public static func confusion(_ examples: [ScoredExample], threshold: Double) -> Confusion {
        var counts = Confusion(threshold: threshold)
        for example in examples {
            let flagged = example.probability >= threshold
            switch (flagged, example.isScam) {
            case (true, true): counts.tp += 1
            case (true, false): counts.fp += 1
            case (false, false): counts.tn += 1
            case (false, true): counts.fn += 1
            }
        }
        return counts
    }

    /// Cumulative counts at each distinct probability, highest first: (threshold, tp, fp).
    private static func steps(_ examples: [ScoredExample]) -> [(threshold: Double, tp: Int, fp: Int)] {
        let sorted = examples.sorted { $0.probability > $1.probability }
        var result: [(Double, Int, Int)] = []
        var tp = 0, fp = 0, index = 0
        while index < sorted.count {
            let value = sorted[index].probability
            // `!(<)` rather than `==`, so a NaN (never equal to itself) cannot stall the loop.
            repeat {
                if sorted[index].isScam { tp += 1 } else { fp += 1 }
                index += 1
            } while index < sorted.count && !(sorted[index].probability < value)
            result.append((value, tp, fp))
        }
        return result
    }

    /// The ROC curve (x: false-positive rate, y: recall) from (0, 0) to (1, 1); empty when a class is missing.
    public static func rocCurve(_ examples: [ScoredExample]) -> [CurvePoint] {
        let positives = examples.filter(\.isScam).count, negatives = examples.count - positives
        guard positives > 0, negatives > 0 else { return [] }
        var points = [CurvePoint(x: 0, y: 0, threshold: .infinity)]
        for step in steps(examples) {
            points.append(CurvePoint(
                x: Double(step.fp) / Double(negatives), y: Double(step.tp) / Double(positives), threshold: step.threshold))
        }
        return points
    }

    /// The area under the ROC curve (trapezoids, so a tie counts half); NaN when a class is missing.
    public static func rocAUC(_ examples: [ScoredExample]) -> Double {
        let curve = rocCurve(examples)
        guard curve.count > 1 else { return .nan }
        var area = 0.0
        for (a, b) in zip(curve, curve.dropFirst()) { area += (b.x - a.x) * (a.y + b.y) / 2 }
        return area
    }

    /// The precision-recall curve (x: recall, y: precision), one point per distinct probability, highest first.
    public static func prCurve(_ examples: [ScoredExample]) -> [CurvePoint] {
        let positives = examples.filter(\.isScam).count
        guard positives > 0 else { return [] }
        return steps(examples).map { step in
            CurvePoint(
                x: Double(step.tp) / Double(positives), y: Double(step.tp) / Double(step.tp + step.fp),
                threshold: step.threshold)
        }
    }

    /// Average precision, the usual estimate of the area under the precision-recall curve:
    /// Σ (Rₙ − Rₙ₋₁) Pₙ over distinct thresholds. NaN when there is no scam.
    public static func averagePrecision(_ examples: [ScoredExample]) -> Double {
        let curve = prCurve(examples)
        guard !curve.isEmpty else { return .nan }
        var previousRecall = 0.0, sum = 0.0
        for point in curve {
            sum += (point.x - previousRecall) * point.y
            previousRecall = point.x
        }
        return sum
    }

    /// The mean squared difference between probability and outcome (0 is perfect); NaN for no examples.
    public static func brierScore(_ examples: [ScoredExample]) -> Double {
        guard !examples.isEmpty else { return .nan }
        return examples.reduce(0.0) { sum, example in
            let outcome = example.isScam ? 1.0 : 0.0
            return sum + (example.probability - outcome) * (example.probability - outcome)
        } / Double(examples.count)
    }

    /// Probabilities in `bins` equal-width bins, with the observed share of scams in each non-empty bin.
    public static func reliability(_ examples: [ScoredExample], bins: Int = 10) -> [ReliabilityBin] {
        var groups = [[ScoredExample]](repeating: [], count: bins)
        for example in examples where example.probability.isFinite {
            let index = min(bins - 1, max(0, Int(example.probability * Double(bins))))
            groups[index].append(example)
        }
        return groups.enumerated().compactMap { index, group in
            guard !group.isEmpty else { return nil }
            return ReliabilityBin(
                lower: Double(index) / Double(bins), upper: Double(index + 1) / Double(bins), count: group.count,
                meanProbability: group.map(\.probability).reduce(0, +) / Double(group.count),
                scamShare: Double(group.filter(\.isScam).count) / Double(group.count))
        }
    }

    /// Counts of probabilities per class in `bins` equal-width bins over [0, 1].
    public static func histogram(_ examples: [ScoredExample], bins: Int = 20) -> (scam: [Int], legit: [Int]) {
        var scam = [Int](repeating: 0, count: bins), legit = scam
        for example in examples where example.probability.isFinite {
            let index = min(bins - 1, max(0, Int(example.probability * Double(bins))))
            if example.isScam { scam[index] += 1 } else { legit[index] += 1 }
        }
        return (scam, legit)
    }

    /// The confusion at each of `thresholds`.
    public static func sweep(_ examples: [ScoredExample], thresholds: [Double]) -> [Confusion] {
        thresholds.map { confusion(examples, threshold: $0) }
    }

    /// The lowest threshold whose false-positive rate is at most `maxFalsePositiveRate`: halfway between the
    /// lowest probability that keeps the rate and the next lower one, so the decisions on `examples` are those at
    /// that probability, with a margin on both sides. Nil when there is no legit example.
    public static func threshold(forFalsePositiveRate maxFalsePositiveRate: Double, _ examples: [ScoredExample]) -> Double? {
        let negatives = examples.filter { !$0.isScam }.count
        guard negatives > 0 else { return nil }
        let all = steps(examples)
        var chosen: Int?
        for (index, step) in all.enumerated() {
            guard Double(step.fp) / Double(negatives) <= maxFalsePositiveRate else { break }
            chosen = index
        }
        guard let chosen else {
            // Even the top score exceeds the rate: only a threshold above every score keeps it.
            return all.first.map { $0.threshold.nextUp }
        }
        let next = chosen + 1 < all.count ? all[chosen + 1].threshold : 0
        return (all[chosen].threshold + next) / 2
    }

    /// The threshold with the highest F1 on `examples` (halfway to the next lower probability, as above); nil
    /// when there is no scam.
    public static func thresholdMaximizingF1(_ examples: [ScoredExample]) -> Double? {
        let positives = examples.filter(\.isScam).count
        guard positives > 0 else { return nil }
        let all = steps(examples)
        var best = (f1: -1.0, index: 0)
        for (index, step) in all.enumerated() {
            let f1 = 2 * Double(step.tp) / Double(step.tp + step.fp + positives)
            if f1 > best.f1 { best = (f1, index) }
        }
        let next = best.index + 1 < all.count ? all[best.index + 1].threshold : 0
        return (all[best.index].threshold + next) / 2
    }
}
