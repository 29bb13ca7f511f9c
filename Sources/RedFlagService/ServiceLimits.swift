/// The limits the service enforces on every request. Going over one is answered with an error naming it.
public struct ServiceLimits: Sendable, Hashable {
    /// The largest request body read, in bytes (`max_body_bytes`; over it: 413).
    public var maxBodyBytes: Int
    /// The most texts in one batch (`max_batch`; over it: 413).
    public var maxBatch: Int
    /// The longest text classified, in UTF-8 bytes (`max_text_bytes`; over it: 413 for one text, an error record
    /// in a batch).
    public var maxTextBytes: Int
    /// Seconds a request may take before it is answered 503 (`request_timeout`).
    public var requestTimeout: Double
    /// Seconds the rules of one text may take together (see `RuleScanner.timeBudget`).
    public var timeBudget: Double

    public init(
        maxBodyBytes: Int = 4 << 20, maxBatch: Int = 256, maxTextBytes: Int = 100_000, requestTimeout: Double = 30,
        timeBudget: Double = 5
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxBatch = maxBatch
        self.maxTextBytes = maxTextBytes
        self.requestTimeout = requestTimeout
        self.timeBudget = timeBudget
    }
}
