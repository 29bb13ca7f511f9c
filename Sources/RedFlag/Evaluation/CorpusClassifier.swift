import Foundation

/// The verdicts on a corpus's records, in record order, and what the rules cost.
public struct CorpusClassification: Sendable {
    public let verdicts: [Verdict]
    /// Seconds spent in each rule, by rule index, summed over every thread.
    public let ruleSeconds: [Double]
    /// Wall-clock seconds for the whole corpus.
    public let seconds: Double
}

/// Classifies many texts on several threads, one `RuleScanner` per thread, keeping their order.
public struct CorpusClassifier: Sendable {
    public let ruleSet: RuleSet
    public var threads: Int
    public var language: String?
    public var timeBudget: Double = 5
    public var maxTextBytes: Int = 2_000_000
    /// Time each rule (costs a little).
    public var measuresRuleTime = false
    /// Which literal prefilter picks the rules PCRE2 runs (the verdicts are the same with either).
    public var engine = MatchEngine.default

    public init(ruleSet: RuleSet, threads: Int = ProcessInfo.processInfo.activeProcessorCount, language: String? = nil) {
        self.ruleSet = ruleSet
        self.threads = max(1, threads)
        self.language = language
    }

    /// Classifies `texts`; `progress` is called from worker threads with the number done so far.
    public func classify(_ texts: [String], progress: (@Sendable (Int) -> Void)? = nil) -> CorpusClassification {
        let started = DispatchTime.now().uptimeNanoseconds
        let results = ResultSlots(count: texts.count, rules: ruleSet.rules.count)
        let workers = min(threads, max(1, texts.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let scanner = RuleScanner(ruleSet: ruleSet, timeBudget: timeBudget, maxTextBytes: maxTextBytes, engine: engine)
            scanner.measuresRuleTime = measuresRuleTime
            for index in stride(from: worker, to: texts.count, by: workers) {
                results.store(scanner.classify(texts[index], language: language), at: index)
                if let progress { progress(results.markDone()) }
            }
            results.addRuleTimes(scanner.ruleNanoseconds)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return CorpusClassification(verdicts: results.verdicts(), ruleSeconds: results.ruleSeconds(), seconds: seconds)
    }
}

/// Slots written once each by worker threads; the lock guards the shared counters.
private final class ResultSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Verdict?>
    private let count: Int
    private let lock = NSLock()
    private var done = 0
    private var nanoseconds: [UInt64]

    init(count: Int, rules: Int) {
        self.count = count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: max(count, 1))
        nanoseconds = Array(repeating: 0, count: rules)
    }

    deinit {
        slots.deinitialize(count: max(count, 1))
        slots.deallocate()
    }

    /// Each index is written by exactly one worker, so slots need no lock.
    func store(_ verdict: Verdict, at index: Int) { slots[index] = verdict }

    func markDone() -> Int {
        lock.lock(); defer { lock.unlock() }
        done += 1
        return done
    }

    func addRuleTimes(_ times: [UInt64]) {
        lock.lock(); defer { lock.unlock() }
        for (index, time) in times.enumerated() where index < nanoseconds.count { nanoseconds[index] += time }
    }

    func verdicts() -> [Verdict] { (0..<count).map { slots[$0]! } }
    func ruleSeconds() -> [Double] { nanoseconds.map { Double($0) / 1e9 } }
}
