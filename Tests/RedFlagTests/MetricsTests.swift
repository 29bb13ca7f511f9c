import Foundation
import Testing

@testable import RedFlag

/// Six examples worked out by hand: scam at 0.9, 0.7, 0.3; legit at 0.8, 0.7 (a tie with a scam), 0.1.
private let handWorked: [ScoredExample] = [
    (0.9, true), (0.8, false), (0.7, true), (0.7, false), (0.3, true), (0.1, false),
].map { ScoredExample(probability: $0.0, isScam: $0.1) }

@Suite struct MetricsTests {
    @Test func confusionAndRatesAtAThreshold() {
        let counts = Metrics.confusion(handWorked, threshold: 0.5)
        #expect((counts.tp, counts.fp, counts.tn, counts.fn) == (2, 2, 1, 1))
        #expect(counts.precision == 0.5)
        #expect(abs(counts.recall - 2.0 / 3) < 1e-12)
        #expect(abs(counts.f1 - 4.0 / 7) < 1e-12)
        #expect(abs(counts.falsePositiveRate - 2.0 / 3) < 1e-12)
        // A probability equal to the threshold counts as scam.
        #expect(Metrics.confusion(handWorked, threshold: 0.7).tp == 2)
    }

    @Test func rocAUCCountsATieAsHalf() {
        // Of the 9 scam–legit pairs, 5 are ordered right and one is a tie: (5 + 0.5) / 9.
        #expect(abs(Metrics.rocAUC(handWorked) - 5.5 / 9) < 1e-12)
        let curve = Metrics.rocCurve(handWorked)
        #expect(curve.first?.x == 0 && curve.first?.y == 0)
        #expect(curve.last?.x == 1 && curve.last?.y == 1)
    }

    @Test func averagePrecisionSumsRecallStepsTimesPrecision() {
        // Distinct thresholds 0.9, 0.8, 0.7, 0.3, 0.1: recall steps of 1/3 at precisions 1, 0.5 (0.7: 2 of 4) and 0.6.
        #expect(abs(Metrics.averagePrecision(handWorked) - (1.0 + 0.5 + 0.6) / 3) < 1e-12)
    }

    @Test func brierScoreIsTheMeanSquaredError() {
        #expect(abs(Metrics.brierScore(handWorked) - 1.73 / 6) < 1e-12)
    }

    @Test func undefinedRatesAreNaNNotZero() {
        let onlyScam = [ScoredExample(probability: 0.2, isScam: true), ScoredExample(probability: 0.9, isScam: true)]
        #expect(Metrics.rocAUC(onlyScam).isNaN)
        #expect(Metrics.confusion(onlyScam, threshold: 0.5).falsePositiveRate.isNaN)
        #expect(Metrics.averagePrecision(onlyScam) == 1)
        let onlyLegit = [ScoredExample(probability: 0.2, isScam: false)]
        #expect(Metrics.confusion(onlyLegit, threshold: 0.5).recall.isNaN)
        #expect(Metrics.averagePrecision(onlyLegit).isNaN)
        #expect(Metrics.confusion(onlyLegit, threshold: 0.5).f1.isNaN)
        let none: [ScoredExample] = []
        #expect(Metrics.confusion(none, threshold: 0.5).n == 0)
        #expect(Metrics.confusion(none, threshold: 0.5).precision.isNaN)
        #expect(Metrics.brierScore(none).isNaN)
        #expect(Metrics.rocCurve(none).isEmpty && Metrics.prCurve(none).isEmpty)
        #expect(Metrics.threshold(forFalsePositiveRate: 0.1, none) == nil)
    }

    @Test func thresholdForAFalsePositiveRateKeepsTheRateWithAMargin() throws {
        // FPR is 0 at 0.9, 1/3 at 0.8, 2/3 at 0.7: the lowest keeping ≤ 0.34 is 0.8, halfway to 0.7 gives 0.75.
        let threshold = try #require(Metrics.threshold(forFalsePositiveRate: 0.34, handWorked))
        #expect(abs(threshold - 0.75) < 1e-12)
        #expect(Metrics.confusion(handWorked, threshold: threshold).falsePositiveRate <= 0.34)
        // No rate reachable but by flagging nothing: a threshold above the top score.
        let strict = try #require(Metrics.threshold(forFalsePositiveRate: 0, [ScoredExample(probability: 0.9, isScam: false)]))
        #expect(strict > 0.9)
    }

    @Test func thresholdMaximizingF1() throws {
        // F1 at 0.9, 0.8, 0.7, 0.3, 0.1: 0.5, 0.4, 0.571, 0.75, 0.667 — best at 0.3, halfway to 0.1 is 0.2.
        let threshold = try #require(Metrics.thresholdMaximizingF1(handWorked))
        #expect(abs(threshold - 0.2) < 1e-12)
    }

    @Test func aNaNProbabilityNeitherHangsNorCrashes() {
        let examples = handWorked + [ScoredExample(probability: .nan, isScam: true)]
        #expect(Metrics.confusion(examples, threshold: 0.5).n == 7)
        #expect(Metrics.rocCurve(examples).count <= 8)
        #expect(Metrics.reliability(examples).map(\.count).reduce(0, +) == 6)
        #expect(Metrics.histogram(examples).scam.reduce(0, +) == 3)
    }

    @Test func reliabilityAndHistogramBinProbabilities() {
        let bins = Metrics.reliability(handWorked, bins: 2)
        #expect(bins.map(\.count) == [2, 4])
        #expect(bins[0].scamShare == 0.5 && bins[1].scamShare == 0.5)
        let histogram = Metrics.histogram(handWorked, bins: 10)
        #expect(histogram.scam.reduce(0, +) == 3 && histogram.legit.reduce(0, +) == 3)
        #expect(histogram.scam[9] == 1 && histogram.legit[1] == 1)
    }
}

@Suite struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

@Suite struct CSVReaderTests {
    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let rows = try CSVReader.rows("text,label\r\n\"Pay, then \"\"work\"\"\nfrom home\",scam\nplain,legit\n\nlast,ham")
        #expect(rows.map(\.fields) == [["text", "label"], ["Pay, then \"work\"\nfrom home", "scam"], ["plain", "legit"], ["last", "ham"]])
        #expect(rows.map(\.line) == [1, 2, 4, 6])
    }

    @Test func anUnterminatedQuoteNamesItsLine() {
        #expect(throws: CSVReader.UnterminatedQuote(line: 3)) { try CSVReader.rows("a,b\n1,2\n\"never closed,3\n4,5") }
    }
}
