import ArgumentParser
import Foundation
import RedFlag

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the detector on labeled corpora: precision, recall, F1, FPR, ROC and PR curves, per-language, per-tactic and per-rule tables.",
        discussion: """
            Reads JSON Lines, CSV or folder trees (see the corpus options). Texts are classified as `scan` would
            classify them; a text counts as scam when its probability reaches the threshold (default: the rule set's
            `scam` threshold). The report records the redflag version, the rule-set, weights and corpus hashes.
            The JSON and HTML formats are documented in docs/output.md.

            Examples:
              redflag eval Corpus/texts/*.jsonl --split test
              redflag eval ../shared/data/emscad_mit_et6/data.jsonl --split test --weights emscad.json --format html --output report.html
              redflag eval sms.csv --text-field message --label-field class --positive spam --negative ham --format json

            Exit codes: 0 report written, 1 report written but some records could not be read, 2 error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, html }

    @OptionGroup var corpusOptions: CorpusOptions

    @Option(help: "Report format: text, json or html (one self-contained page with SVG plots).")
    var format: Format = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    @Option(help: ArgumentHelp("Probability at and above which a text counts as scam (default: the rule set's scam threshold).", valueName: "P"))
    var threshold: Double?

    @Option(help: ArgumentHelp("Write one JSON line per input record to FILE: the verdict with its gold label, or why the record was skipped or could not be read.", valueName: "FILE"))
    var predictions: String?

    @OptionGroup var ruleSetOptions: RuleSetOptions
    @OptionGroup var classifyOptions: ClassifyOptions

    func validate() throws {
        if let threshold, !(threshold >= 0 && threshold <= 1) { throw ValidationError("--threshold must be between 0 and 1") }
    }

    func run() throws {
        let (ruleSet, weightsHash) = try ruleSetOptions.loadRuleSetAndWeights()
        let (corpus, leaks) = try corpusOptions.load()
        let classification = classifyOptions.classify(
            corpus, ruleSet: ruleSet, threads: corpusOptions.threads, label: "redflag eval", quiet: corpusOptions.quiet,
            measuresRuleTime: true)
        let report = EvaluationReport(
            corpus: corpus, classification: classification, ruleSet: ruleSet,
            provenance: Provenance(ruleSet: ruleSet, corpus: corpus, weightsHash: weightsHash, split: corpusOptions.split),
            threshold: threshold, crossSplitNearDuplicates: leaks)
        if let predictions { try writePredictions(corpus, classification.verdicts, to: predictions) }
        let text: String
        switch format {
        case .text: text = report.text()
        case .json: text = report.json()
        case .html: text = report.html()
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                StandardError.write("redflag: cannot write \(output)\n")
                throw ReportedFailure(code: 2)
            }
        } else {
            print(text, terminator: "")
        }
        if corpus.failures.count > 0 {
            StandardError.write("redflag eval: \(corpus.failures.count) records could not be read (see --predictions)\n")
            throw ExitCode(1)
        }
    }

    /// One line per input record, in input order.
    private func writePredictions(_ corpus: LabeledCorpus, _ verdicts: [Verdict], to path: String) throws {
        var out = ""
        for entry in corpus.entries {
            switch entry {
            case .record(let index):
                out += verdicts[index].json(id: corpus.records[index].id, gold: corpus.records[index].isScam)
            case .skipped(let id, let label, let source, let line):
                var json = JSONWriter()
                json.beginObject()
                json.key("id"); json.raw(id.json)
                json.key("skipped")
                json.beginObject()
                json.key("label"); json.string(label)
                json.key("source"); json.string(source)
                json.key("line"); json.int(line)
                json.endObject()
                json.endObject()
                out += json.output
            case .failed(let id, let error, _, let line):
                out += error.json(id: id, line: line)
            }
            out += "\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(out.utf8)) else {
            StandardError.write("redflag: cannot write \(path)\n")
            throw ReportedFailure(code: 2)
        }
    }
}
