import ArgumentParser
import Foundation
import RedFlag

/// Options of the commands that read labeled corpora (`eval`, `train`).
struct CorpusOptions: ParsableArguments {
    @Argument(help: "Labeled corpora: JSON Lines files, CSV files (*.csv, with a header row), or folders whose path names the label (scam/…, legit/…).")
    var corpora: [String]

    @Option(help: ArgumentHelp("The field (or CSV column) that holds the text.", valueName: "NAME"))
    var textField = "text"
    @Option(help: ArgumentHelp("The field that holds the record id (default: the line number).", valueName: "NAME"))
    var idField = "id"
    @Option(help: ArgumentHelp("The field that holds the gold label.", valueName: "NAME"))
    var labelField = "label"
    @Option(help: ArgumentHelp("The field that holds the split (dev or test).", valueName: "NAME"))
    var splitField = "split"
    @Option(help: ArgumentHelp("The field that holds the text's language, for the per-language table (default: identified).", valueName: "NAME"))
    var languageField = "language"
    @Option(help: ArgumentHelp("The field that groups texts that must stay on one side of a split (default: near-duplicate groups).", valueName: "NAME"))
    var groupField = "group"
    @Option(help: ArgumentHelp("The field that lists the tactics a scam text shows, for the per-tactic table.", valueName: "NAME"))
    var tacticsField = "tactics"

    @Option(help: ArgumentHelp("Labels that mean scam, comma-separated (case-insensitive).", valueName: "LABELS"))
    var positive = "scam,fraud,fraudulent,1,true"
    @Option(help: ArgumentHelp("Labels that mean legit; records with other labels are skipped and counted.", valueName: "LABELS"))
    var negative = "legit,ham,real,0,false"

    @Option(help: ArgumentHelp("Use only the records of this split. Records without a split field are split by near-duplicate group (about half to each side).", valueName: "dev|test"))
    var split: String?

    @Option(help: ArgumentHelp("Threads that classify (default: all cores).", valueName: "N"))
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .shortAndLong, help: "No progress line on standard error.")
    var quiet = false

    @Flag(help: "With --split test: leave out test texts that have a near-duplicate among the dev texts (a template seen in training).")
    var unseenOnly = false

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Reads the corpora with groups and splits filled in, and counts test texts with near-duplicates in dev.
    func load() throws -> (corpus: LabeledCorpus, crossSplitNearDuplicates: Int?) {
        var fields = CorpusFields()
        fields.text = textField; fields.id = idField; fields.label = labelField; fields.split = splitField
        fields.language = languageField; fields.group = groupField; fields.tactics = tacticsField
        let labels = LabelMapping(positive: Self.list(positive), negative: Self.list(negative))
        guard labels.positive.isDisjoint(with: labels.negative) else {
            StandardError.write("redflag: a label cannot be both positive and negative: \(labels.positive.intersection(labels.negative).sorted().joined(separator: ", "))\n")
            throw ReportedFailure(code: 2)
        }
        var corpus: LabeledCorpus
        do {
            corpus = try LabeledCorpus.read(corpora, fields: fields, labels: labels)
        } catch {
            StandardError.write("redflag: \(error)\n")
            throw ReportedFailure(code: 2)
        }
        let nearGroups = NearDuplicateGrouper().groups(corpus.records.map(\.text))
        corpus.assignGroupsAndSplits(nearGroups: nearGroups)
        let leaks = corpus.crossSplitNearDuplicates(nearGroups: nearGroups)
        if unseenOnly {
            let devGroups = Set(corpus.records.indices.filter { corpus.records[$0].split == "dev" }.map { nearGroups[$0] })
            corpus = corpus.filtered { index, record in record.split != "test" || !devGroups.contains(nearGroups[index]) }
        }
        if let split { corpus = corpus.filtered { _, record in record.split == split } }
        return (corpus, leaks)
    }

    private static func list(_ text: String) -> Set<String> {
        Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}

extension ClassifyOptions {
    /// Classifies a corpus's texts on `threads` threads, with a progress line labelled `label` unless `quiet`.
    func classify(
        _ corpus: LabeledCorpus, ruleSet: RuleSet, threads: Int, label: String, quiet: Bool, measuresRuleTime: Bool = false
    ) -> CorpusClassification {
        var classifier = CorpusClassifier(ruleSet: ruleSet, threads: threads, language: language)
        classifier.timeBudget = timeBudget
        classifier.maxTextBytes = maxTextBytes
        classifier.measuresRuleTime = measuresRuleTime
        classifier.engine = engine ?? .default
        let progress = Progress(label, total: corpus.records.count, quiet: quiet)
        defer { progress.finish() }
        return classifier.classify(corpus.records.map(\.text)) { progress.update($0) }
    }
}
