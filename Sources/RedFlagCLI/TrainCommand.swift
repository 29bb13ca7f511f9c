import ArgumentParser
import Foundation
import RedFlag

extension TrainingOptions.ThresholdObjective: ExpressibleByArgument {}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Learn rule weights (and optionally a lexical layer) from labeled corpora, with cross-validated figures.",
        discussion: """
            Fits L2-regularized logistic regression over the rules and heuristics that fire on each text (weights
            pulled towards the rule set's own), optionally with word and word-pair features (--lexical). Folds of
            the k-fold cross-validation keep near-duplicate groups together; probabilities are calibrated (Platt)
            on the held-out scores; thresholds are chosen for a false-positive rate on those scores. Deterministic
            for a seed. Writes a weights file that check, scan and eval load with --weights.

            Examples:
              redflag train Corpus/texts/*.jsonl --split dev --output corpus-weights.json
              redflag train ../shared/data/emscad_mit_et6/data.jsonl --split dev --lexical --output emscad.json
              redflag eval ../shared/data/emscad_mit_et6/data.jsonl --split test --weights emscad.json

            Exit codes: 0 weights written, 2 error.
            """
    )

    @OptionGroup var corpusOptions: CorpusOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the weights (JSON); a lexical layer goes beside it as NAME.lexical.tsv.", valueName: "FILE"))
    var output: String

    @Flag(help: "Learn a lexical layer of word, word-pair and character n-gram weights too.")
    var lexical = false

    @Option(help: "Cross-validation folds.")
    var folds = TrainingOptions().folds

    @Option(help: "Seed of the fold assignment.")
    var seed = TrainingOptions().seed

    @Option(help: "L2 penalty on rule weights (towards the rule set's weights).")
    var l2 = TrainingOptions().l2

    @Option(help: "L2 penalty on lexical weights (towards 0).")
    var lexicalL2 = TrainingOptions().lexicalL2

    @Option(help: "A word or pair must occur in this many training texts to become a feature.")
    var minDf = TrainingOptions().minDocumentFrequency

    @Option(help: "At most this many lexical features, the most frequent.")
    var maxFeatures = TrainingOptions().maxLexicalFeatures

    @Option(help: ArgumentHelp("The scam threshold is the lowest with at most this false-positive rate on held-out folds.", valueName: "RATE"))
    var maxFpr = TrainingOptions().maxFalsePositiveRate

    @Option(help: ArgumentHelp("The suspicious threshold is the lowest with at most this false-positive rate.", valueName: "RATE"))
    var maxFprSuspicious = TrainingOptions().maxFalsePositiveRateSuspicious

    @Option(help: ArgumentHelp("Choose the scam threshold for a false-positive rate (fpr, see --max-fpr) or for the best F1 (f1), on held-out scores, or at the class-balanced model's own decision boundary (balanced).", valueName: "fpr|f1|balanced"))
    var thresholdFor = TrainingOptions().thresholdObjective

    @Flag(help: "Pull rule weights towards 0 instead of towards the rule set's own weights.")
    var zeroPrior = false

    @OptionGroup var ruleSetOptions: RuleSetOptions
    @OptionGroup var classifyOptions: ClassifyOptions

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard minDf >= 1, maxFeatures >= 0 else { throw ValidationError("--min-df must be at least 1 and --max-features at least 0") }
        guard l2 >= 0, lexicalL2 >= 0 else { throw ValidationError("penalties cannot be negative") }
        guard maxFpr > 0, maxFpr < 1, maxFprSuspicious > 0, maxFprSuspicious < 1 else {
            throw ValidationError("false-positive rates must be between 0 and 1")
        }
    }

    func run() throws {
        let ruleSet = try ruleSetOptions.loadRuleSet()
        let (corpus, _) = try corpusOptions.load()
        let classification = classifyOptions.classify(
            corpus, ruleSet: ruleSet, threads: corpusOptions.threads, label: "redflag train: classifying",
            quiet: corpusOptions.quiet)

        var options = TrainingOptions()
        options.folds = folds; options.seed = seed; options.l2 = l2; options.lexical = lexical
        options.lexicalL2 = lexicalL2; options.minDocumentFrequency = minDf; options.maxLexicalFeatures = maxFeatures
        options.maxFalsePositiveRate = maxFpr; options.maxFalsePositiveRateSuspicious = maxFprSuspicious
        options.priorFromRuleSet = !zeroPrior
        options.thresholdObjective = thresholdFor
        let facts: [(String, String)] = [
            ("date", ISO8601DateFormatter().string(from: Date())),
            ("corpus_sha256", corpus.sha256),
            ("corpus_files", corpus.sources.map(\.path).joined(separator: " ")),
            ("split", corpusOptions.split ?? "all"),
        ]
        let outcome: TrainingOutcome
        do {
            outcome = try WeightTrainer(ruleSet: ruleSet, options: options)
                .train(corpus.records, verdicts: classification.verdicts, headerFacts: facts)
        } catch {
            StandardError.write("redflag: \(error)\n")
            throw ReportedFailure(code: 2)
        }
        do {
            try outcome.model.write(to: output)
        } catch {
            StandardError.write("redflag: \(error)\n")
            throw ReportedFailure(code: 2)
        }
        print(summary(outcome, records: corpus.records.count), terminator: "")
    }

    private func summary(_ outcome: TrainingOutcome, records: Int) -> String {
        func f(_ value: Double, _ digits: Int = 3) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "-" }
        var out = "redflag train: \(records) texts, \(outcome.featureCount) features (\(outcome.lexicalFeatureCount) lexical), \(folds) group-aware folds, seed \(seed)\n\n"
        out += "                         threshold  precision  recall     F1    FPR  ROC-AUC  PR-AUC  Brier\n"
        for (name, figures) in [("before (rule set as is)", outcome.before), ("after (cross-validated)", outcome.after)] {
            let c = figures.confusion
            out += name.padding(toLength: 25, withPad: " ", startingAt: 0)
            out += [f(figures.threshold, 3), f(c.precision), f(c.recall), f(c.f1), f(c.falsePositiveRate), f(figures.rocAUC), f(figures.prAUC), f(figures.brier)]
                .enumerated().map { index, value in
                    let widths = [9, 11, 8, 7, 7, 9, 8, 7]
                    return String(repeating: " ", count: max(0, widths[index] - value.count)) + value
                }.joined() + "\n"
        }
        out += "\ncalibration (Platt, on held-out scores): a \(f(outcome.calibration.a)) b \(f(outcome.calibration.b))\n"
        out += "thresholds: scam \(f(outcome.model.thresholds.scam)), suspicious \(f(outcome.model.thresholds.suspicious))\n"
        out += "\nreliability (held-out): predicted → observed share of scams\n"
        for bin in outcome.reliability {
            out += "  \(f(bin.lower, 1))–\(f(bin.upper, 1))  n \(String(bin.count).padding(toLength: 5, withPad: " ", startingAt: 0)) predicted \(f(bin.meanProbability))  observed \(f(bin.scamShare))\n"
        }
        out += "\nlargest weight changes (old → new)\n"
        for change in outcome.changes {
            out += "  \(f(change.old, 2)) → \(f(change.new, 2))  \(change.id)\n"
        }
        out += "\nwrote \(output)\(outcome.model.lexical == nil ? "" : " and its lexical layer")\n"
        return out
    }
}
