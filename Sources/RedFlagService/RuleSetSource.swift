import RedFlag

/// Where the service's rule set comes from: read again on each reload.
public struct RuleSetSource: Sendable, Hashable {
    /// A pattern-set folder, or nil for the set embedded in the binary.
    public let directory: String?
    /// Threshold overrides (`--threshold-scam`, `--threshold-suspicious`), applied after each load.
    public let thresholdScam: Double?
    public let thresholdSuspicious: Double?
    /// A weights file from `redflag train` (`--weights`), read again on each reload with the rules.
    public let weights: String?

    public init(directory: String?, thresholdScam: Double? = nil, thresholdSuspicious: Double? = nil, weights: String? = nil) {
        self.directory = directory
        self.thresholdScam = thresholdScam
        self.thresholdSuspicious = thresholdSuspicious
        self.weights = weights
    }

    /// Loads and compiles the set, with its weights file if any; every problem of the files is in the error (a
    /// weights file's problem as one RF018 diagnostic naming the file).
    public func load() throws(RuleSetError) -> RuleSet {
        var ruleSet: RuleSet
        if let directory {
            ruleSet = try RuleSet.load(directory: directory)
        } else {
            ruleSet = try RuleSet.embedded()
        }
        if let weights {
            do {
                ruleSet = try ruleSet.applying(try ModelWeights.read(from: weights), path: weights)
            } catch {
                throw RuleSetError(diagnostics: [
                    Diagnostic(.unreadable, error.description, at: SourceLocation(file: weights, line: 1, column: 1))
                ])
            }
        }
        // Build the shared literal prefilter now (about a second for the default set), not on the first request.
        _ = RuleScanner(ruleSet: ruleSet, identifyLanguage: false).hits(in: "warm up", languages: [])
        guard thresholdScam != nil || thresholdSuspicious != nil else { return ruleSet }
        let current = ruleSet.settings.thresholds
        return ruleSet.with(thresholds: Thresholds(
            suspicious: thresholdSuspicious ?? current.suspicious, scam: thresholdScam ?? current.scam))
    }
}
