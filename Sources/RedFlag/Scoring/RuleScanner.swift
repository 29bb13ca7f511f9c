import Foundation
import RedFlagRegex

/// What the rules of a set found in one text, before scoring.
public struct RuleHits: Sendable {
    /// For each rule of the set, by index: whether it fired.
    public let fired: [Bool]
    /// For each rule of the set, by index: its match spans (pattern rules; at most `maxSpansPerRule`).
    public let spans: [[MatchSpan]]
    public let warnings: [ScanWarning]

    /// The ids of the rules that fired, sub-rules and meta rules included.
    public func firedIDs(in ruleSet: RuleSet) -> Set<String> {
        Set(ruleSet.rules.indices.filter { fired[$0] }.map { ruleSet.rules[$0].id })
    }
}

/// Runs a rule set over texts and turns what fires into verdicts.
///
/// A scanner owns PCRE2 scratch memory, so it serves one thread at a time; make one per thread over a
/// shared `RuleSet`.
public final class RuleScanner {
    public let ruleSet: RuleSet
    private let scratch: MatchScratch
    /// The most spans kept per rule and text; the weight counts once whatever the number.
    public let maxSpansPerRule: Int

    public init(ruleSet: RuleSet, limits: MatchLimits = .default, maxSpansPerRule: Int = 20) {
        self.ruleSet = ruleSet
        self.scratch = MatchScratch(limits: limits)
        self.maxSpansPerRule = maxSpansPerRule
    }

    /// Classifies one text. `language` (ISO 639-1) restricts the rules to those written for it or for `any`;
    /// nil runs every rule.
    public func classify(_ text: String, language: String? = nil) -> Verdict {
        Scorer(ruleSet: ruleSet).verdict(for: text, hits: hits(in: text, language: language))
    }

    /// Runs every applicable rule over `text`: pattern rules first, then meta rules in dependency order.
    public func hits(in text: String, language: String? = nil) -> RuleHits {
        let rules = ruleSet.rules
        var fired = [Bool](repeating: false, count: rules.count)
        var spans = [[MatchSpan]](repeating: [], count: rules.count)
        var warnings: [ScanWarning] = []
        let limit = maxSpansPerRule
        for (i, rule) in rules.enumerated() {
            guard case .pattern(let pattern) = rule.body, rule.applies(toLanguage: language) else { continue }
            var found: [MatchSpan] = []
            do {
                try pattern.forEachMatch(in: text, scratch: scratch) { span in
                    found.append(span)
                    return found.count < limit
                }
            } catch {
                warnings.append(ScanWarning(
                    code: "match_limit", message: "rule skipped for this text: \(error)", rule: rule.id))
                continue
            }
            fired[i] = !found.isEmpty
            spans[i] = found
        }
        for i in ruleSet.metaOrder where rules[i].applies(toLanguage: language) {
            fired[i] = ruleSet.resolvedMeta[i]?.evaluate(fired) ?? false
        }
        return RuleHits(fired: fired, spans: spans, warnings: warnings)
    }
}

/// Turns rule hits into a verdict: sums weights, applies the bias and logistic, picks the label, and
/// builds the evidence with offsets into the original text.
struct Scorer {
    let ruleSet: RuleSet

    func verdict(for text: String, hits: RuleHits) -> Verdict {
        let rules = ruleSet.rules
        var score = 0.0
        var tacticWeight: [String: Double] = [:]
        var pending: [(rule: Rule, span: MatchSpan, parts: [String])] = []
        for (i, rule) in rules.enumerated() where hits.fired[i] && !rule.isSubRule {
            score += rule.weight
            if let tactic = rule.tactic { tacticWeight[tactic, default: 0] += rule.weight }
            switch rule.body {
            case .pattern:
                pending += hits.spans[i].map { (rule, $0, []) }
            case .meta:
                let parts = ruleSet.resolvedMeta[i]?.firedOperands(hits.fired) ?? []
                let span = parts.lazy.compactMap { firstSpan(of: $0, hits: hits) }.first ?? MatchSpan(start: 0, end: 0)
                pending.append((rule, span, parts.map { rules[$0].id }))
            }
        }
        let scalarOffsets = UTF8Offsets.scalarOffsets(of: pending.flatMap { [$0.span.start, $0.span.end] }, in: text)
        let evidence = pending.map { item in
            Evidence(
                rule: item.rule.id, tactic: item.rule.tactic ?? "", weight: item.rule.weight,
                describe: item.rule.describe,
                text: UTF8Offsets.slice(text, from: item.span.start, to: item.span.end),
                start: item.span.start, end: item.span.end,
                charStart: scalarOffsets[item.span.start] ?? 0, charEnd: scalarOffsets[item.span.end] ?? 0,
                parts: item.parts)
        }.sorted { ($0.start, $0.end, $0.rule) < ($1.start, $1.end, $1.rule) }
        let order = Dictionary(ruleSet.tactics.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let tactics = tacticWeight.filter { $0.value > 0 }
            .sorted { a, b in
                a.value != b.value ? a.value > b.value : (order[a.key] ?? .max) < (order[b.key] ?? .max)
            }
            .map(\.key)
        let probability = Self.logistic(score + ruleSet.settings.bias)
        return Verdict(
            label: label(for: probability), probability: probability, score: score, tactics: tactics,
            evidence: evidence, warnings: hits.warnings)
    }

    func label(for probability: Double) -> Label {
        let thresholds = ruleSet.settings.thresholds
        if probability >= thresholds.scam { return .scam }
        if probability >= thresholds.suspicious { return .suspicious }
        return .legit
    }

    static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The first span of a fired rule: its own first match, or for a meta rule the first span of its parts.
    private func firstSpan(of index: Int, hits: RuleHits) -> MatchSpan? {
        if let span = hits.spans[index].first { return span }
        guard let meta = ruleSet.resolvedMeta[index] else { return nil }
        return meta.firedOperands(hits.fired).lazy.compactMap { firstSpan(of: $0, hits: hits) }.first
    }
}
