import RedFlag

/// Where the service's rule set comes from: read again on each reload.
public struct RuleSetSource: Sendable, Hashable {
    /// A pattern-set folder, or nil for the set embedded in the binary.
    public let directory: String?
    /// Threshold overrides (`--threshold-scam`, `--threshold-suspicious`), applied after each load.
    public let thresholdScam: Double?
    public let thresholdSuspicious: Double?

    public init(directory: String?, thresholdScam: Double? = nil, thresholdSuspicious: Double? = nil) {
        self.directory = directory
        self.thresholdScam = thresholdScam
        self.thresholdSuspicious = thresholdSuspicious
    }

    /// Loads and compiles the set; every problem of the files is in the error.
    public func load() throws(RuleSetError) -> RuleSet {
        let ruleSet: RuleSet
        if let directory {
            ruleSet = try RuleSet.load(directory: directory)
        } else {
            ruleSet = try RuleSet.embedded()
        }
        guard thresholdScam != nil || thresholdSuspicious != nil else { return ruleSet }
        let current = ruleSet.settings.thresholds
        return ruleSet.with(thresholds: Thresholds(
            suspicious: thresholdSuspicious ?? current.suspicious, scam: thresholdScam ?? current.scam))
    }
}
