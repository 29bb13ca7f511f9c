import Foundation
import NIOConcurrencyHelpers
import RedFlag

/// Counters and a latency histogram, written in Prometheus' text exposition format (`GET /metrics`).
///
/// Label values are bounded: routes are the service's own paths or `other`, methods the common ones or `other`,
/// rules the ids of the loaded set.
public final class ServiceMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds.
    public static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    private struct RequestKey: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private struct Latency {
        var buckets = [UInt64](repeating: 0, count: ServiceMetrics.latencyBuckets.count)
        var sum = 0.0
        var count: UInt64 = 0
    }

    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var latency: [String: Latency] = [:]
        var verdicts: [Label: UInt64] = [:]
        var recordErrors: [String: UInt64] = [:]
        var ruleHits: [String: UInt64] = [:]
        var reloads: [Bool: UInt64] = [:]
        var rulesLoaded = 0
        var inFlight = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Counts a request being answered (until `observeRequest`).
    public func requestStarted() {
        state.withLockedValue { $0.inFlight += 1 }
    }

    /// Counts one answered request and its duration.
    public func observeRequest(route: String, method: String, status: Int, seconds: Double) {
        state.withLockedValue { state in
            state.inFlight -= 1
            state.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            var latency = state.latency[route, default: Latency()]
            if let bucket = Self.latencyBuckets.firstIndex(where: { seconds <= $0 }) { latency.buckets[bucket] += 1 }
            latency.sum += seconds
            latency.count += 1
            state.latency[route] = latency
        }
    }

    /// Counts what became of the texts of one request.
    public func observe(_ outcomes: [ClassifyOutcome]) {
        state.withLockedValue { state in
            for outcome in outcomes {
                switch outcome {
                case .classified(let label, let rules):
                    state.verdicts[label, default: 0] += 1
                    for rule in rules { state.ruleHits[rule, default: 0] += 1 }
                case .failed(let code):
                    state.recordErrors[code, default: 0] += 1
                }
            }
        }
    }

    /// Counts a rule-set reload and records the number of rules in use.
    public func observeReload(succeeded: Bool, rules: Int) {
        state.withLockedValue { state in
            state.reloads[succeeded, default: 0] += 1
            if succeeded { state.rulesLoaded = rules }
        }
    }

    /// Records the number of rules in use.
    public func setRulesLoaded(_ count: Int) {
        state.withLockedValue { $0.rulesLoaded = count }
    }

    /// The exposition text (`text/plain; version=0.0.4`).
    public func render() -> String {
        let state = state.withLockedValue { $0 }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("redflag_http_requests_total", "counter", "HTTP requests answered, by route, method and status.")
        for (key, count) in state.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "redflag_http_requests_total{route=\"\(key.route)\",method=\"\(key.method)\",status=\"\(key.status)\"} \(count)\n"
        }
        family("redflag_http_requests_in_flight", "gauge", "HTTP requests being answered (this one included).")
        out += "redflag_http_requests_in_flight \(state.inFlight)\n"
        family("redflag_http_request_duration_seconds", "histogram", "Time from request to response head, by route.")
        for (route, latency) in state.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            for (bound, count) in zip(Self.latencyBuckets, latency.buckets) {
                cumulative += count
                out += "redflag_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(Self.format(bound))\"} \(cumulative)\n"
            }
            out += "redflag_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(latency.count)\n"
            out += "redflag_http_request_duration_seconds_sum{route=\"\(route)\"} \(Self.format(latency.sum))\n"
            out += "redflag_http_request_duration_seconds_count{route=\"\(route)\"} \(latency.count)\n"
        }
        family("redflag_verdicts_total", "counter", "Texts classified, by label.")
        for label in [Label.scam, .suspicious, .legit] {
            out += "redflag_verdicts_total{label=\"\(label.rawValue)\"} \(state.verdicts[label, default: 0])\n"
        }
        family("redflag_record_errors_total", "counter", "Texts that could not be classified, by error code.")
        for (code, count) in state.recordErrors.sorted(by: { $0.key < $1.key }) {
            out += "redflag_record_errors_total{code=\"\(code)\"} \(count)\n"
        }
        family("redflag_rule_hits_total", "counter", "Texts on which a scoring rule fired, by rule id.")
        for (rule, count) in state.ruleHits.sorted(by: { $0.key < $1.key }) {
            out += "redflag_rule_hits_total{rule=\"\(rule)\"} \(count)\n"
        }
        family("redflag_rule_set_reloads_total", "counter", "Rule-set reloads (SIGHUP), by result.")
        out += "redflag_rule_set_reloads_total{result=\"success\"} \(state.reloads[true, default: 0])\n"
        out += "redflag_rule_set_reloads_total{result=\"failure\"} \(state.reloads[false, default: 0])\n"
        family("redflag_rules_loaded", "gauge", "Rules in the rule set in use.")
        out += "redflag_rules_loaded \(state.rulesLoaded)\n"
        return out
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
