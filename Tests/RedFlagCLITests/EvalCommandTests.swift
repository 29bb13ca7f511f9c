import Foundation
import Testing

/// A small labeled corpus from the project's Corpus (its test split's first records of each language file), plus
/// one broken line and one record with another label.
private func corpusFile() throws -> (url: URL, lines: [String]) {
    var lines: [String] = []
    let folder = repositoryRoot.appendingPathComponent("Corpus/texts")
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".jsonl") {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        lines += text.split(separator: "\n").prefix(12).map(String.init)
    }
    lines.insert(#"{"id": "broken", "text": "no closing brace""#, at: 5)
    lines.insert(#"{"id": "other", "text": "Weekly newsletter", "label": "promo"}"#, at: 9)
    return (try temporaryFile(Data((lines.joined(separator: "\n") + "\n").utf8)), lines)
}

@Suite(.serialized) struct EvalCommandTests {
    @Test func figuresEqualThoseRecomputedFromScanOutput() throws {
        let (corpus, lines) = try corpusFile()
        let predictions = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-pred-\(UUID().uuidString).jsonl")
        let run = try redflag(["eval", corpus.path, "--format", "json", "--predictions", predictions.path, "-q"])
        #expect(run.status == 1)  // one record could not be read
        let report = try jsonObject(run.stdout)
        let predicted = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(predicted.count == lines.count)
        #expect(try jsonObject(predicted[5])["error"] != nil)
        #expect(try jsonObject(predicted[9])["skipped"] != nil)

        // The same texts through `scan`, and the confusion counted here.
        let scan = try redflag(["scan", corpus.path, "-q"])
        let threshold = try #require(report["threshold"] as? Double)
        var counts = (tp: 0, fp: 0, tn: 0, fn: 0)
        for (input, output) in zip(lines, scan.lines) {
            guard let record = try? jsonObject(input), let label = record["label"] as? String, label == "scam" || label == "legit" else { continue }
            let probability = try #require(try jsonObject(output)["probability"] as? Double)
            switch (probability >= threshold, label == "scam") {
            case (true, true): counts.tp += 1
            case (true, false): counts.fp += 1
            case (false, false): counts.tn += 1
            case (false, true): counts.fn += 1
            }
        }
        let confusion = try #require(report["confusion"] as? [String: Int])
        #expect(confusion == ["tp": counts.tp, "fp": counts.fp, "tn": counts.tn, "fn": counts.fn])
        #expect(report["n"] as? Int == counts.tp + counts.fp + counts.tn + counts.fn)
        #expect(report["errors"] as? Int == 1)
        #expect((report["skipped"] as? [String: Int]) == ["promo": 1])
        let recall = Double(counts.tp) / Double(counts.tp + counts.fn)
        #expect(abs((report["recall"] as? Double ?? -1) - recall) < 1e-6)
        for key in ["precision", "f1", "fpr", "roc_auc", "pr_auc", "provenance", "sweep", "languages", "tactics", "rules"] {
            #expect(report[key] != nil, "missing \(key)")
        }
        let provenance = try #require(report["provenance"] as? [String: Any])
        #expect((provenance["corpus_sha256"] as? String)?.count == 64)
    }

    @Test func htmlReportIsSelfContainedWithItsPlots() throws {
        let (corpus, _) = try corpusFile()
        let run = try redflag(["eval", corpus.path, "--format", "html", "-q"])
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("<!doctype html>"))
        #expect(run.stdout.components(separatedBy: "<svg class=\"plot\"").count - 1 == 5)
        for external in ["<link", "src=", "https://", "@import"] { #expect(!run.stdout.contains(external), "\(external)") }
    }

    @Test func trainWritesWeightsThatCheckScanAndEvalLoad() throws {
        let folder = repositoryRoot.appendingPathComponent("Corpus/texts")
        let files = ["en.jsonl", "de.jsonl"].map { folder.appendingPathComponent($0).path }
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-w-\(UUID().uuidString).json")
        let train = try redflag(["train"] + files + ["--split", "dev", "--lexical", "--folds", "3", "--max-features", "3000", "--output", weights.path, "-q"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("after (cross-validated)"))
        let lexical = weights.deletingPathExtension().appendingPathExtension("lexical.tsv")
        #expect(FileManager.default.fileExists(atPath: lexical.path))
        let header = try jsonObject(String(contentsOf: weights, encoding: .utf8))
        #expect(header["format"] as? String == "redflag-weights/1")

        let check = try redflag(["check", "--json", "--weights", weights.path, frenchTaskScam])
        #expect(check.status == 0)
        #expect(try jsonObject(check.stdout)["lexical"] != nil)
        let eval = try redflag(["eval"] + files + ["--split", "test", "--weights", weights.path, "--format", "json", "-q"])
        #expect(eval.status == 0)
        let provenance = try #require(try jsonObject(eval.stdout)["provenance"] as? [String: Any])
        #expect((provenance["weights_sha256"] as? String)?.count == 64)

        // A weights file for rules the set does not have is refused, naming the file.
        let foreign = try temporaryFile(Data(#"{"format": "redflag-weights/1", "bias": -1, "thresholds": {"suspicious": 0.5, "scam": 0.9}, "weights": {"NOT_A_RULE": 2}}"#.utf8), suffix: ".json")
        let refused = try redflag(["scan", "--weights", foreign.path, "-q"], input: Data("{\"text\": \"hi\"}\n".utf8))
        #expect(refused.status == 2)
        #expect(refused.stderr.contains(foreign.path) && refused.stderr.contains("NOT_A_RULE"))
    }
}
