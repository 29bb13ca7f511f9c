import Logging
import RedFlag
import ServiceLifecycle
import UnixSignals

/// Reloads the rule set on SIGHUP. Requests keep being answered while the new set compiles; a set that does not
/// load is logged with every diagnostic and the old one stays in use.
public struct RuleSetReloader: Service {
    let source: RuleSetSource
    let pool: ClassifierPool
    let metrics: ServiceMetrics
    let logger: Logger
    let signals: UnixSignalsSequence

    /// Traps SIGHUP at once (before the server answers), so an early signal reloads instead of ending the process.
    public init(source: RuleSetSource, pool: ClassifierPool, metrics: ServiceMetrics, logger: Logger) async {
        self.source = source
        self.pool = pool
        self.metrics = metrics
        self.logger = logger
        self.signals = await UnixSignalsSequence(trapping: .sighup)
    }

    public func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// Loads the set again and, when it loads, puts it in use.
    public func reload() async {
        let source = self.source
        let loaded: Result<RuleSet, RuleSetError>
        do {
            loaded = try await pool.runBlocking { _ in Result { () throws(RuleSetError) in try source.load() } }
        } catch {
            logger.warning("rule set reload cancelled: \(error)")
            return
        }
        switch loaded {
        case .success(let ruleSet):
            pool.replace(ruleSet: ruleSet)
            metrics.observeReload(succeeded: true, rules: ruleSet.rules.count)
            logger.info("rule set reloaded: \(ruleSet.rules.count) rules, fingerprint \(ruleSet.fingerprint)")
        case .failure(let error):
            metrics.observeReload(succeeded: false, rules: 0)
            logger.error(
                "rule set reload failed, keeping the rule set in use (fingerprint \(pool.ruleSet.fingerprint)): \(error.diagnostics.count) error(s)\n\(error.description)")
        }
    }
}
