import Foundation
import Testing

@testable import RedFlag

@Suite struct LogisticRegressionTests {
    /// Rows of 5 binary features, each on with probability 0.3, labels drawn from known weights.
    private func synthetic(count: Int, weights: [Double], bias: Double, seed: UInt64) -> ([SparseRow], [Bool]) {
        var generator = SplitMix64(seed: seed)
        var rows: [SparseRow] = [], labels: [Bool] = []
        for _ in 0..<count {
            let on = weights.indices.filter { _ in Double.random(in: 0..<1, using: &generator) < 0.3 }
            let z = on.reduce(bias) { $0 + weights[$1] }
            rows.append(SparseRow(indices: on, values: on.map { _ in 1 }))
            labels.append(Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(-z)))
        }
        return (rows, labels)
    }

    @Test func recoversKnownWeights() {
        let truth = [2.0, -1.5, 1.0, 0.0, 3.0]
        let (rows, labels) = synthetic(count: 20_000, weights: truth, bias: -1, seed: 7)
        let fit = LogisticRegression(featureCount: 5, penalty: 1e-3).fit(rows, labels: labels)
        for (learned, expected) in zip(fit.weights, truth) { #expect(abs(learned - expected) < 0.15) }
        #expect(abs(fit.bias - -1) < 0.1)
    }

    @Test func isDeterministicAndPullsTowardsThePrior() {
        let (rows, labels) = synthetic(count: 500, weights: [1, 1, 1, 1, 1], bias: 0, seed: 3)
        var regression = LogisticRegression(featureCount: 6, penalty: 1)
        regression.prior = [0, 0, 0, 0, 0, 4]  // feature 5 never occurs: it keeps its prior
        let a = regression.fit(rows, labels: labels), b = regression.fit(rows, labels: labels)
        #expect(a.weights == b.weights && a.bias == b.bias)
        #expect(abs(a.weights[5] - 4) < 1e-6)
        let strong = LogisticRegression(featureCount: 6, penalty: 1e4).fit(rows, labels: labels)
        #expect(strong.weights.allSatisfy { abs($0) < 0.05 })
    }
}

@Suite struct GroupFoldsTests {
    @Test func aGroupNeverSpansTwoFolds() {
        let groups = (0..<200).map { "g\($0 % 37)" }
        let folds = GroupFolds.assign(groups: groups, folds: 5, seed: 1)
        var foldOfGroup: [String: Set<Int>] = [:]
        for (group, fold) in zip(groups, folds) { foldOfGroup[group, default: []].insert(fold) }
        #expect(foldOfGroup.values.allSatisfy { $0.count == 1 })
        let sizes = (0..<5).map { fold in folds.filter { $0 == fold }.count }
        #expect(sizes.min()! >= 30)
        #expect(GroupFolds.assign(groups: groups, folds: 5, seed: 1) == folds)
        #expect(GroupFolds.assign(groups: groups, folds: 5, seed: 2) != folds)
    }
}

@Suite struct WeightTrainerTests {
    /// Scam texts name Telegram and a training fee; legit ones describe a video interview.
    private func corpus() -> [LabeledRecord] {
        (0..<30).map { i in
            i % 2 == 0
                ? LabeledRecord(id: .line(i), text: "Job \(i): pay the training fee, then write to me on Telegram (case \(i * 7))", isScam: true, group: "s\(i)")
                : LabeledRecord(id: .line(i), text: "Job \(i): a video interview with the team, offer \(i * 11) after references", isScam: false, group: "l\(i)")
        }
    }

    @Test func learnsWeightsThatSeparateTheCorpusAndWritesThemReadably() throws {
        let ruleSet = try RuleSet.load(Fixture.files(Fixture.sample))
        let records = corpus()
        let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: false)
        let verdicts = records.map { scanner.classify($0.text, language: "en") }
        var options = TrainingOptions()
        options.lexical = true
        options.minDocumentFrequency = 2
        let outcome = try WeightTrainer(ruleSet: ruleSet, options: options).train(records, verdicts: verdicts)
        #expect(outcome.after.rocAUC == 1)
        #expect(outcome.model.weights["FEE_TRAINING"]! > 0 && outcome.model.weights["LEGIT_INTERVIEW"]! < 0)
        #expect(outcome.model.weights["TASK_RECHARGE_FR"] != nil)  // never fired: kept near its own weight × calibration
        #expect((outcome.model.lexical?.features.count ?? 0) > 0)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("w.json").path
        try outcome.model.write(to: path)
        let read = try ModelWeights.read(from: path)
        #expect(abs(read.thresholds.scam - outcome.model.thresholds.scam) < 1e-5)
        for (id, weight) in outcome.model.weights { #expect(abs(read.weights[id]! - weight) < 1e-5) }
        #expect(read.lexical?.features.count == outcome.model.lexical?.features.count)
        #expect(read.lexical?.scheme == .blocks)
        #expect(read.sha256?.count == 64)

        let weighted = try ruleSet.applying(read)
        let verdict = RuleScanner(ruleSet: weighted, identifyLanguage: false).classify("pay the training fee then write on telegram", language: "en")
        #expect(verdict.label == .scam)
        #expect(verdict.lexical != nil)
        #expect(verdict.json(id: .line(1)).contains(#""lexical":{"score":"#))
        let legit = RuleScanner(ruleSet: weighted, identifyLanguage: false).classify("a video interview with the team", language: "en")
        #expect(legit.label == .legit)

        // The lexical file belongs to its weights file: a changed byte is refused.
        let lexicalPath = folder.appendingPathComponent("w.lexical.tsv").path
        try (String(contentsOfFile: lexicalPath, encoding: .utf8) + "extra\t1\t1\n").write(toFile: lexicalPath, atomically: true, encoding: .utf8)
        #expect(throws: WeightsError.self) { try ModelWeights.read(from: path) }
    }

    @Test func refusesWeightsForUnknownRulesAndOneClassCorpora() throws {
        let ruleSet = try RuleSet.load(Fixture.files(Fixture.sample))
        let model = ModelWeights(weights: ["NO_SUCH_RULE": 1], bias: 0, thresholds: Thresholds(suspicious: 0.5, scam: 0.9), ruleSetFingerprint: "")
        #expect(throws: WeightsError.self) { try ruleSet.applying(model) }
        let scamOnly = corpus().filter(\.isScam)
        #expect(throws: TrainingError.self) {
            try WeightTrainer(ruleSet: ruleSet, options: TrainingOptions())
                .train(scamOnly, verdicts: scamOnly.map { _ in RuleScanner(ruleSet: ruleSet).classify("x") })
        }
    }

    @Test func theBalancedThresholdIsTheModelsOwnBoundary() throws {
        let ruleSet = try RuleSet.load(Fixture.files(Fixture.sample))
        let records = corpus()
        let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: false)
        var options = TrainingOptions()
        options.thresholdObjective = .balanced
        let outcome = try WeightTrainer(ruleSet: ruleSet, options: options)
            .train(records, verdicts: records.map { scanner.classify($0.text, language: "en") })
        // A raw score of 0 maps to σ(b) through the calibration.
        let boundary = 1 / (1 + exp(-outcome.calibration.b))
        #expect(abs(outcome.model.thresholds.scam - min(max(boundary, 0.01), 0.99)) < 1e-12)
    }
}

@Suite struct LexicalModelTests {
    private func squares(_ values: [(feature: String, value: Double)], grams: Bool) -> Double {
        values.filter { $0.feature.hasPrefix("~") == grams }.map { $0.value * $0.value }.reduce(0, +)
    }

    @Test func blocksScaleWordsAndCharacterGramsSeparately() {
        let view = Normalizer().views(of: "Earn 300 dollars a day, write to our recruiter").normalized
        let blocks = LexicalModel.terms(in: view, scheme: .blocks)
        #expect(blocks["~#e"] != nil && blocks["earn"]?.count == 1 && blocks["<num> dollars"] != nil)
        let values = LexicalModel.values(blocks, scheme: .blocks) { _ in 1.5 }
        #expect(abs(squares(values, grams: false) - 1) < 1e-9)
        #expect(abs(squares(values, grams: true) - 1) < 1e-9)

        // The first files' scheme: 3- to 5-grams only, one unit length over all features.
        let joint = LexicalModel.terms(in: view, scheme: .joint)
        #expect(joint["~#e"] == nil && joint["~#ea"] != nil)
        let jointValues = LexicalModel.values(joint, scheme: .joint) { _ in 1.5 }
        #expect(abs(squares(jointValues, grams: false) + squares(jointValues, grams: true) - 1) < 1e-9)
        // Features whose idf is 0 add nothing (no 0/0).
        #expect(LexicalModel.values(blocks, scheme: .blocks) { _ in 0 }.isEmpty)
        // Features the model does not know are left out before scaling.
        let known = LexicalModel.values(blocks, scheme: .blocks) { $0 == "earn" ? 2 : nil }
        #expect(known.count == 1 && abs(known[0].value - 1) < 1e-12)
    }

    @Test func weightsFilesNameTheirSchemeAndOlderFilesReadAsJoint() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-scheme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("w.json").path
        let model = ModelWeights(
            weights: [:], bias: -1, thresholds: Thresholds(suspicious: 0.4, scam: 0.6),
            lexical: LexicalModel(features: ["earn": .init(weight: 2, idf: 1.5)], scheme: .blocks), ruleSetFingerprint: "")
        try model.write(to: path)
        #expect(try ModelWeights.read(from: path).lexical?.scheme == .blocks)

        let written = try String(contentsOfFile: path, encoding: .utf8)
        try written.replacingOccurrences(of: #", "scheme": "blocks-2-5""#, with: "").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ModelWeights.read(from: path).lexical?.scheme == .joint)
        try written.replacingOccurrences(of: "blocks-2-5", with: "blocks-9").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: WeightsError.self) { try ModelWeights.read(from: path) }
    }
}
