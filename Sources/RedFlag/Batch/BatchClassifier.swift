/// Classifies input lines one by one into output records: exactly one output record per input line,
/// a verdict or an error record.
public final class BatchClassifier {
    /// What became of one line.
    public enum Outcome: Sendable, Equatable {
        case classified(Label)
        case failed(code: String)
    }

    public let decoder: RecordDecoder
    public let language: String?
    private let scanner: RuleScanner

    public convenience init(ruleSet: RuleSet, format: RecordFormat, language: String? = nil) {
        self.init(scanner: RuleScanner(ruleSet: ruleSet), format: format, language: language)
    }

    /// Classifies with a scanner set up by the caller (limits, time budget, text size).
    public init(scanner: RuleScanner, format: RecordFormat, language: String? = nil) {
        self.decoder = RecordDecoder(format: format)
        self.language = language
        self.scanner = scanner
    }

    /// The output record (one JSON object, no newline) for the line's bytes, and its outcome.
    public func classify(line bytes: ArraySlice<UInt8>, number: Int) -> (json: String, outcome: Outcome) {
        switch decoder.decode(bytes, line: number) {
        case .success(let record):
            let verdict = scanner.classify(record.text, language: language)
            return (verdict.json(id: record.id), .classified(verdict.label))
        case .failure(let failure):
            return (failure.error.json(id: failure.id, line: number), .failed(code: failure.error.code))
        }
    }
}

/// Counts of what a batch produced.
public struct BatchSummary: Sendable {
    public var records = 0
    public var byLabel: [Label: Int] = [:]
    public var errors = 0
    public var bytes = 0

    public init() {}

    public mutating func add(_ outcome: BatchClassifier.Outcome, bytes: Int) {
        records += 1
        self.bytes += bytes
        switch outcome {
        case .classified(let label): byLabel[label, default: 0] += 1
        case .failed: errors += 1
        }
    }

    /// `10000 records: 120 scam, 40 suspicious, 9830 legit, 10 errors`.
    public var description: String {
        let labels = [Label.scam, .suspicious, .legit].map { "\(byLabel[$0, default: 0]) \($0.rawValue)" }
        return "\(records) records: \(labels.joined(separator: ", ")), \(errors) error\(errors == 1 ? "" : "s")"
    }
}
