import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import RedFlag

/// What became of one text of a request, for the metrics.
public enum ClassifyOutcome: Sendable, Equatable {
    /// Classified: the label and the ids of the scoring rules that fired.
    case classified(Label, rules: [String])
    /// Not classified: the error record's code.
    case failed(code: String)
}

/// Runs classification off the event loops and off Swift's cooperative pool, on a fixed number of threads, each
/// with its own `RuleScanner` over the shared rule set in use.
///
/// The rule set can be swapped while requests run (`replace(ruleSet:)`): a request finishes with the scanner it
/// started with, the next ones get scanners over the new set.
public final class ClassifierPool: Sendable {
    /// The scanners of one rule set; scanners are made when first needed, at most one per thread.
    private final class Generation: @unchecked Sendable {
        let ruleSet: RuleSet
        let timeBudget: Double
        private let idle = NIOLockedValueBox<[RuleScanner]>([])

        init(ruleSet: RuleSet, timeBudget: Double) {
            self.ruleSet = ruleSet
            self.timeBudget = timeBudget
        }

        func withScanner<T>(_ body: (RuleScanner) -> T) -> T {
            // A scanner is used by one thread at a time: taken out of `idle`, then put back.
            let scanner = idle.withLockedValue { $0.popLast() } ?? RuleScanner(ruleSet: ruleSet, timeBudget: timeBudget)
            defer { idle.withLockedValue { $0.append(scanner) } }
            return body(scanner)
        }
    }

    private let threadPool: NIOThreadPool
    private let generation: NIOLockedValueBox<Generation>
    private let timeBudget: Double

    /// - Parameters:
    ///   - threads: how many texts are classified at once (default: one per core).
    ///   - timeBudget: seconds the rules of one text may take together.
    public init(ruleSet: RuleSet, threads: Int = ProcessInfo.processInfo.activeProcessorCount, timeBudget: Double = 5) {
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        self.timeBudget = timeBudget
        self.generation = NIOLockedValueBox(Generation(ruleSet: ruleSet, timeBudget: timeBudget))
        threadPool.start()
    }

    /// The rule set new requests are classified with.
    public var ruleSet: RuleSet { generation.withLockedValue { $0.ruleSet } }

    /// Makes new requests use `ruleSet`; requests already running finish with the set they started with.
    public func replace(ruleSet: RuleSet) {
        let next = Generation(ruleSet: ruleSet, timeBudget: timeBudget)
        generation.withLockedValue { $0 = next }
    }

    /// Runs `work` on one of the pool's threads with a scanner of the rule set in use.
    ///
    /// When the calling task is cancelled (the request timed out), this returns at once with `CancellationError`;
    /// `work` can see it through its `Cancellation` and stop early.
    public func run<T: Sendable>(_ work: @escaping @Sendable (RuleScanner, Cancellation) -> T) async throws -> T {
        let current = generation.withLockedValue { $0 }
        return try await runBlocking { cancellation in
            current.withScanner { work($0, cancellation) }
        }
    }

    /// Runs `work` on one of the pool's threads (for work that needs no scanner, such as loading a rule set).
    public func runBlocking<T: Sendable>(_ work: @escaping @Sendable (Cancellation) -> T) async throws -> T {
        let pending = PendingResult<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                pending.attach(continuation)
                threadPool.submit { state in
                    guard case .active = state, !pending.cancellation.isCancelled else {
                        pending.resume(.failure(CancellationError()))
                        return
                    }
                    pending.resume(.success(work(pending.cancellation)))
                }
            }
        } onCancel: {
            pending.resume(.failure(CancellationError()))
        }
    }

    /// Stops the threads once the work queued has run.
    public func shutdown() async throws {
        try await threadPool.shutdownGracefully()
    }
}

/// Tells work running on a pool thread that its request no longer waits for it.
public final class Cancellation: Sendable {
    private let flag = NIOLockedValueBox(false)
    public var isCancelled: Bool { flag.withLockedValue { $0 } }
    func cancel() { flag.withLockedValue { $0 = true } }
}

/// A continuation resumed exactly once, by the work or by cancellation, whichever comes first.
private final class PendingResult<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
    }
    private let state = NIOLockedValueBox(State())
    let cancellation = Cancellation()

    func attach(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLockedValue { state in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(_ result: Result<T, any Error>) {
        if case .failure = result { cancellation.cancel() }
        let continuation: CheckedContinuation<T, any Error>? = state.withLockedValue { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }
}
