import RedFlag

/// Where the service's rule set comes from: read again on each reload.
public struct RuleSetSource: Sendable, Hashable {
    /// A pattern-set folder, or nil for the set embedded in the binary.
    public let directory: String?
    /// Threshold overrides, applied after each load.
    public let thresholds: Thresholds?

    public init(directory: String?, thresholds: Thresholds? = nil) {
        self.directory = directory
        self.thresholds = thresholds
    }

    /// Loads and compiles the set; every problem of the files is in the error.
    public func load() throws(RuleSetError) -> RuleSet {
        let ruleSet: RuleSet
        if let directory {
            ruleSet = try RuleSet.load(directory: directory)
        } else {
            ruleSet = try RuleSet.embedded()
        }
        return thresholds.map { ruleSet.with(thresholds: $0) } ?? ruleSet
    }
}
