import Foundation

/// Classifies input lines on several threads and hands the output records back in input order, in bounded
/// memory: the calling thread reads and writes, `threads` workers classify, and at most `2 × threads + 2`
/// batches of lines are in flight, so peak memory does not grow with the input.
///
/// Every line yields exactly one record, as with `BatchClassifier`; each worker has its own classifier (its own
/// `RuleScanner` over the shared, immutable `RuleSet`).
public final class ParallelClassifier: @unchecked Sendable {
    /// One output record: the JSON, what became of the line, and the line's byte count.
    public typealias Record = (json: String, outcome: BatchClassifier.Outcome, bytes: Int)

    public let threads: Int
    private let makeClassifier: @Sendable () -> BatchClassifier
    private let batchLines: Int
    private let batchBytes: Int

    private let condition = NSCondition()
    private var jobs: [(sequence: Int, lines: [(bytes: [UInt8], number: Int)])] = []
    private var results: [Int: [Record]] = [:]
    private var closed = false

    /// - Parameters:
    ///   - threads: workers (at least 1).
    ///   - makeClassifier: called once on each worker thread.
    ///   - batchLines, batchBytes: a batch ends at whichever comes first.
    public init(
        threads: Int, batchLines: Int = 256, batchBytes: Int = 1 << 20,
        makeClassifier: @escaping @Sendable () -> BatchClassifier
    ) {
        self.threads = max(1, threads)
        self.makeClassifier = makeClassifier
        self.batchLines = max(1, batchLines)
        self.batchBytes = max(1, batchBytes)
    }

    /// Reads lines with `next` (bytes and 1-based line number; nil at the end) and passes every record to `emit`
    /// in input order, both on the calling thread. When `emit` returns false, reading stops and the records
    /// not yet emitted are dropped.
    public func run(
        next: () throws -> (bytes: ArraySlice<UInt8>, number: Int)?, emit: (Record) -> Bool
    ) rethrows {
        closed = false
        var workers: [Thread] = []
        for _ in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            workers.append(thread)
            thread.start()
        }
        defer { finish(workers) }
        let maxInFlight = 2 * threads + 2
        var nextToRead = 0
        var nextToEmit = 0
        var atEnd = false
        while true {
            // Fill the pipeline.
            while !atEnd && nextToRead - nextToEmit < maxInFlight {
                var lines: [(bytes: [UInt8], number: Int)] = []
                var bytes = 0
                while lines.count < batchLines && bytes < batchBytes {
                    guard let line = try next() else {
                        atEnd = true
                        break
                    }
                    lines.append((Array(line.bytes), line.number))
                    bytes += line.bytes.count
                }
                guard !lines.isEmpty else { break }
                condition.lock()
                jobs.append((nextToRead, lines))
                condition.broadcast()
                condition.unlock()
                nextToRead += 1
            }
            guard nextToEmit < nextToRead else { return }
            // Emit the oldest batch when it is done.
            condition.lock()
            while results[nextToEmit] == nil { condition.wait() }
            let records = results.removeValue(forKey: nextToEmit)!
            condition.unlock()
            nextToEmit += 1
            for record in records where !emit(record) { return }
        }
    }

    private func work() {
        let classifier = makeClassifier()
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            let records = job.lines.map { line -> Record in
                let (json, outcome) = classifier.classify(line: line.bytes[...], number: line.number)
                return (json, outcome, line.bytes.count)
            }
            condition.lock()
            results[job.sequence] = records
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Stops the workers (dropping queued work) and waits for them.
    private func finish(_ workers: [Thread]) {
        condition.lock()
        closed = true
        jobs.removeAll()
        condition.broadcast()
        condition.unlock()
        while workers.contains(where: { !$0.isFinished }) { usleep(200) }
        condition.lock()
        results.removeAll()
        condition.unlock()
    }
}
