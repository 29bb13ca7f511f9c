import ArgumentParser
import Foundation
import Logging
import RedFlag
import RedFlagService

/// `redflag-serve`: the HTTP service (also run as `redflag serve`).
@main
@available(macOS 14, *)
struct RedFlagServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redflag-serve",
        abstract: "Serve redflag over HTTP: POST /v1/classify, GET /v1/rules, /v1/tactics, /healthz, /metrics, /openapi.json.",
        discussion: """
            Listens on 127.0.0.1 unless --host says otherwise. SIGHUP reloads the rule set (a set that does \
            not load is logged and the old one stays in use); SIGTERM and SIGINT stop accepting connections \
            and let the requests in flight finish. The JSON shapes are in docs/output.md and docs/openapi.json.

            Examples:
              redflag-serve --port 8080
              redflag-serve --host 0.0.0.0 --port 8080 --patterns ./Patterns --token-file /etc/redflag/token
            """,
        version: RedFlagVersion.current
    )

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "ADDRESS"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on (0: any free port, printed at start).", valueName: "N"))
    var port = 8080

    @Option(help: ArgumentHelp("Load the pattern set in DIR instead of the embedded default (read again on SIGHUP).", valueName: "DIR"))
    var patterns: String?

    @Option(name: .long, help: ArgumentHelp("Probability at and above which a text is 'scam' (default: the set's).", valueName: "P"))
    var thresholdScam: Double?

    @Option(name: .long, help: ArgumentHelp("Probability at and above which a text is 'suspicious' (default: the set's).", valueName: "P"))
    var thresholdSuspicious: Double?

    @Option(help: ArgumentHelp("Score with learned weights (a file written by 'redflag train'), read again on SIGHUP.", valueName: "FILE"))
    var weights: String?

    @Option(help: ArgumentHelp("Require 'Authorization: Bearer TOKEN' on every path but /healthz, TOKEN being this file's content (surrounding white space removed).", valueName: "FILE"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("The largest request body, in bytes.", valueName: "BYTES"))
    var maxBodyBytes = ServiceLimits().maxBodyBytes

    @Option(help: ArgumentHelp("The most texts in one batch.", valueName: "N"))
    var maxBatch = ServiceLimits().maxBatch

    @Option(help: ArgumentHelp("The longest text, in UTF-8 bytes.", valueName: "BYTES"))
    var maxTextBytes = ServiceLimits().maxTextBytes

    @Option(help: ArgumentHelp("Seconds a request may take before it is answered 503.", valueName: "SECONDS"))
    var requestTimeout = ServiceLimits().requestTimeout

    @Option(help: ArgumentHelp("Seconds the rules of one text may take together.", valueName: "SECONDS"))
    var timeBudget = ServiceLimits().timeBudget

    @Option(help: ArgumentHelp("Texts classified at once, each on its own thread (default: one per core).", valueName: "N"))
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "LEVEL"))
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        for (name, value) in [("--max-body-bytes", maxBodyBytes), ("--max-batch", maxBatch), ("--max-text-bytes", maxTextBytes), ("--workers", workers)]
        where value < 1 {
            throw ValidationError("\(name) must be at least 1, got \(value)")
        }
        guard requestTimeout > 0, timeBudget > 0 else { throw ValidationError("--request-timeout and --time-budget must be positive") }
        for value in [thresholdScam, thresholdSuspicious].compactMap({ $0 }) where !(value > 0 && value < 1) {
            throw ValidationError("thresholds must be between 0 and 1, got \(value)")
        }
        if let scam = thresholdScam, let suspicious = thresholdSuspicious, suspicious > scam {
            throw ValidationError("the suspicious threshold (\(suspicious)) is above the scam threshold (\(scam))")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "redflag-serve")
        let token = try tokenFile.map(readToken)
        let source = RuleSetSource(
            directory: patterns, thresholdScam: thresholdScam, thresholdSuspicious: thresholdSuspicious, weights: weights)
        let ruleSet: RuleSet
        do {
            ruleSet = try source.load()
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\nredflag-serve: the pattern set has \(error.diagnostics.count) error(s)\n".utf8))
            throw ExitCode(2)
        }
        let thresholds = ruleSet.settings.thresholds
        guard thresholds.suspicious <= thresholds.scam else {
            throw ValidationError("the suspicious threshold (\(thresholds.suspicious)) is above the scam threshold (\(thresholds.scam))")
        }
        let limits = ServiceLimits(
            maxBodyBytes: maxBodyBytes, maxBatch: maxBatch, maxTextBytes: maxTextBytes, requestTimeout: requestTimeout,
            timeBudget: timeBudget)
        let configuration = ServiceConfiguration(host: host, port: port, limits: limits, token: token)
        let pool = ClassifierPool(ruleSet: ruleSet, threads: workers, timeBudget: timeBudget)
        let metrics = ServiceMetrics()
        metrics.setRulesLoaded(ruleSet.rules.count)
        let reloader = await RuleSetReloader(source: source, pool: pool, metrics: metrics, logger: logger)
        let host = self.host
        let app = makeApplication(
            configuration: configuration, pool: pool, metrics: metrics, services: [reloader], logger: logger
        ) { port in
            FileHandle.standardError.write(Data("redflag-serve: listening on http://\(host):\(port) (\(ruleSet.rules.count) rules)\n".utf8))
        }
        do {
            try await app.runService()
        } catch {
            try? await pool.shutdown()
            FileHandle.standardError.write(Data("redflag-serve: \(error)\n".utf8))
            throw ExitCode(2)
        }
        try await pool.shutdown()
    }

    private func readToken(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read --token-file \(path)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ValidationError("--token-file \(path) is empty") }
        return Array(token.utf8)
    }
}


