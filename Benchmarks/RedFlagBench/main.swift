// redflag-bench: throughput of the text core and the scanner on a reproducible mixed-language corpus.
//
// Usage: swift run -c release redflag-bench [--corpus Corpus/texts] [--megabytes 20] [--seed 42] [--stage PREFIX]
//                                           [--patterns DIR] [--write-jsonl FILE]
//
// The corpus is built from the project's own Corpus texts (all nine languages), shuffled with a fixed seed and
// repeated until it reaches the requested size. Each stage runs on one core; figures are MB of input text per
// second and documents per second.
import Foundation
import RedFlag
import RedFlagRegex


func option(_ name: String, _ fallback: String) -> String {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}

let corpusFolder = option("--corpus", "Corpus/texts")
let megabytes = Double(option("--megabytes", "20")) ?? 20
var generator = SplitMix64(seed: UInt64(option("--seed", "42")) ?? 42)

var texts: [String] = []
for file in (try? FileManager.default.contentsOfDirectory(atPath: corpusFolder))?.sorted() ?? [] where file.hasSuffix(".jsonl") {
    let contents = (try? String(contentsOfFile: "\(corpusFolder)/\(file)", encoding: .utf8)) ?? ""
    for line in contents.split(separator: "\n") {
        if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let text = object["text"] as? String {
            texts.append(text)
        }
    }
}
guard !texts.isEmpty else {
    FileHandle.standardError.write(Data("redflag-bench: no texts under \(corpusFolder)\n".utf8))
    exit(2)
}
var documents: [String] = []
var totalBytes = 0
while Double(totalBytes) < megabytes * 1_000_000 {
    for text in texts.shuffled(using: &generator) {
        documents.append(text)
        totalBytes += text.utf8.count
    }
}
let mb = Double(totalBytes) / 1_000_000
// --write-jsonl FILE: write the corpus as JSON Lines (for `redflag scan` end to end) and stop.
let jsonlPath = option("--write-jsonl", "")
if !jsonlPath.isEmpty {
    var out = Data()
    for (i, document) in documents.enumerated() {
        out.append(try JSONSerialization.data(withJSONObject: ["id": i, "text": document] as [String: Any]))
        out.append(0x0A)
    }
    try out.write(to: URL(fileURLWithPath: jsonlPath))
    print("wrote \(documents.count) records, \(out.count) bytes, to \(jsonlPath)")
    exit(0)
}
print("corpus: \(documents.count) documents, \(String(format: "%.1f", mb)) MB, from \(texts.count) Corpus texts in 9 languages")
print("| stage (1 core, release) | MB/s | documents/s |")
print("|---|---|---|")

let onlyStage = option("--stage", "")

@MainActor func measure(_ name: String, _ body: (String) -> Void) {
    guard onlyStage.isEmpty || name.hasPrefix(onlyStage) else { return }
    // One warm-up pass over a slice, then the timed pass over everything.
    for document in documents.prefix(200) { body(document) }
    let start = DispatchTime.now().uptimeNanoseconds
    for document in documents { body(document) }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print("| \(name) | \(String(format: "%.1f", mb / seconds)) | \(String(format: "%.0f", Double(documents.count) / seconds)) |")
}

let normalizer = Normalizer()
var sink = 0
measure("normalize: folded + normalized views with offset maps") { sink &+= normalizer.views(of: $0).normalized.text.utf8.count }
let extractor = EntityExtractor()
measure("entities") { sink &+= extractor.entities(in: $0).count }
let identifier = LanguageIdentifier()
measure("language identification") { sink &+= identifier?.identify($0)?.count ?? 0 }
let patternsFolder = option("--patterns", "")
let ruleSet = patternsFolder.isEmpty ? try RuleSet.embedded() : try RuleSet.load(directory: patternsFolder)
for engine in MatchEngine.allCases where engine.isAvailable {
    let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, engine: engine)
    measure("rules only, \(engine) (\(ruleSet.rules.count) rules, all views)") { sink &+= scanner.hits(in: $0).fired.count }
}
let unfiltered = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, engine: .pcre2, prefiltered: false)
measure("rules only, no prefilter (\(ruleSet.rules.count) rules, all views)") { sink &+= unfiltered.hits(in: $0).fired.count }
let fullScanner = RuleScanner(ruleSet: ruleSet)
measure("classify: language + rules + entities + verdict") { sink &+= fullScanner.classify($0).evidence.count }
measure("classify + JSON output") { sink &+= fullScanner.classify($0).json(id: .line(1)).utf8.count }
print("(checksum \(sink))")

// The slowest rules: each pattern timed alone over the normalized views of the first 3,000 documents.
if onlyStage.isEmpty || onlyStage == "slowest" {
    let sample = documents.prefix(3_000).map { normalizer.views(of: $0).normalized.text }
    let sampleMB = Double(sample.reduce(0) { $0 + $1.utf8.count }) / 1_000_000
    let scratch = MatchScratch()
    var costs: [(String, Double)] = []
    for rule in ruleSet.rules {
        guard case .pattern(let pattern) = rule.body else { continue }
        let start = DispatchTime.now().uptimeNanoseconds
        for text in sample { sink &+= (try? pattern.firstMatch(in: text, scratch: scratch)) == nil ? 0 : 1 }
        costs.append((rule.id, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
    }
    let total = costs.reduce(0) { $0 + $1.1 }
    print("\nrules: \(costs.count) patterns, \(String(format: "%.1f", sampleMB / total)) MB/s all together (first match only); slowest:")
    for (id, seconds) in costs.sorted(by: { $0.1 > $1.1 }).prefix(10) {
        print("  \(id): \(String(format: "%.1f", sampleMB / seconds)) MB/s, \(String(format: "%.0f", seconds / total * 100))% of the time")
    }
}

// The prefilter's reach: rules without a required literal always run; rules without a lead are tried at every
// starting point.
if onlyStage == "literals" {
    for rule in ruleSet.rules {
        guard case .pattern(let pattern) = rule.body else { continue }
        let (literals, lead) = RequiredLiterals.analyze(pattern.source, options: pattern.options)
        let leadText = lead.map { "lead \($0.strings.count)\($0.includesDigits ? " + digits" : "") within \($0.maxOffset) bytes" } ?? "NO LEAD"
        print(rule.id, literals.map { "\($0.size) literals" } ?? "NONE", leadText)
    }
}
