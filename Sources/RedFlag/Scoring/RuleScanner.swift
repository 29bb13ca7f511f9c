import Foundation
import RedFlagRegex

/// A match of a rule, as a byte span of the original text, with the tricks its view saw through.
public struct HitSpan: Sendable, Hashable {
    public let start: Int
    public let end: Int
    public let tricks: ObfuscationTricks
}

/// What the rules of a set found in one text, before scoring.
public struct RuleHits: Sendable {
    /// For each rule of the set, by index: whether it fired.
    public let fired: [Bool]
    /// For each rule of the set, by index: its match spans in the original text (pattern rules; at most
    /// `maxSpansPerRule`).
    public let spans: [[HitSpan]]
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
    private let normalizer = Normalizer()
    private let entityExtractor = EntityExtractor()
    /// The most spans kept per rule and text; the weight counts once whatever the number.
    public let maxSpansPerRule: Int

    /// Seconds a document's pattern rules may take together; the rules not yet run when it is spent are skipped
    /// with a `time_budget` warning.
    public let timeBudget: Double
    /// Texts longer than this many UTF-8 bytes are classified on their first `maxTextBytes` only, with a
    /// `truncated` warning.
    public let maxTextBytes: Int

    private let languageIdentifier: LanguageIdentifier?
    /// The engine in use: the one asked for, or `pcre2` when Hyperscan is not available.
    public let engine: MatchEngine
    private let prefilter: RulePrefilter?
    private let prefilterScratch = PrefilterScratch()
    /// What the prefilter found in the current text, and the start windows of the rule being run.
    private let prefilterFindings = PrefilterFindings()
    private var startWindows: [StartWindow] = []
    /// The rules that apply, by combination of candidate languages (see `selection(for:)`).
    private var selections: [[String]: RuleSelection] = [:]

    /// When true, `ruleNanoseconds` accumulates the time each pattern rule takes (for `redflag eval`'s slowest
    /// rules); off by default, as reading the clock costs time.
    public var measuresRuleTime = false {
        didSet { if measuresRuleTime && ruleNanoseconds.isEmpty { ruleNanoseconds = Array(repeating: 0, count: ruleSet.rules.count) } }
    }
    /// Nanoseconds spent in each rule, by rule index, since `measuresRuleTime` was set.
    public private(set) var ruleNanoseconds: [UInt64] = []

    /// - Parameters:
    ///   - limits: PCRE2 limits for every match attempt.
    ///   - identifyLanguage: identify each text's language (libexttextcat) when the caller does not give it, so
    ///     rules written for other languages do not run. When it cannot tell, every rule runs.
    ///   - timeBudget: seconds the pattern rules of one document may take together (default 5).
    ///   - maxTextBytes: the longest text read whole (default 2,000,000 bytes).
    ///   - engine: which literal prefilter picks the pattern rules PCRE2 runs (default: `hyperscan` where
    ///     available). When the engine asked for is not available, the scanner uses `pcre2`: see `engine`.
    public convenience init(
        ruleSet: RuleSet, limits: MatchLimits = .default, maxSpansPerRule: Int = 20, identifyLanguage: Bool = true,
        timeBudget: Double = 5, maxTextBytes: Int = 2_000_000, engine: MatchEngine = .default
    ) {
        self.init(
            ruleSet: ruleSet, limits: limits, maxSpansPerRule: maxSpansPerRule, identifyLanguage: identifyLanguage,
            timeBudget: timeBudget, maxTextBytes: maxTextBytes, engine: engine, prefiltered: true)
    }

    /// `prefiltered: false` runs every applicable rule through PCRE2 without a prefilter: the reference the
    /// engines are tested against, and the quickest start for a single text when the set's prefilter layout is
    /// not known yet (reading every pattern for its literals costs more than it saves on one text; see
    /// `RuleSet.hasPrefilterLayout`).
    public init(
        ruleSet: RuleSet, limits: MatchLimits = .default, maxSpansPerRule: Int = 20, identifyLanguage: Bool = true,
        timeBudget: Double = 5, maxTextBytes: Int = 2_000_000, engine: MatchEngine, prefiltered: Bool
    ) {
        self.ruleSet = ruleSet
        let engine = engine.isAvailable ? engine : .pcre2
        if !prefiltered {
            self.prefilter = nil
            self.engine = .pcre2
        } else if case .success(let prefilter) = ruleSet.prefilter(engine) {
            self.prefilter = prefilter
            self.engine = engine
        } else {
            self.prefilter = try? ruleSet.prefilter(.pcre2).get()
            self.engine = .pcre2
        }
        self.scratch = MatchScratch(limits: limits)
        self.maxSpansPerRule = maxSpansPerRule
        self.languageIdentifier = identifyLanguage ? LanguageIdentifier.preloadedOrNew() : nil
        self.timeBudget = timeBudget
        self.maxTextBytes = maxTextBytes
    }

    /// The language of `text` as this scanner sees it: identified, or nil when it cannot tell.
    public func language(of text: String) -> String? {
        languageIdentifier?.identify(text)
    }

    /// Classifies one text. `language` (ISO 639-1) restricts the rules to those written for it or for `any`;
    /// without it the language is identified, and when it cannot be, every rule runs.
    public func classify(_ text: String, language: String? = nil) -> Verdict {
        guard text.utf8.count <= maxTextBytes else {
            // Cut on a scalar boundary: step back over UTF-8 continuation bytes.
            var end = text.utf8.index(text.utf8.startIndex, offsetBy: maxTextBytes)
            while end > text.utf8.startIndex && text.utf8[end] & 0xC0 == 0x80 { end = text.utf8.index(before: end) }
            let prefix = String(decoding: text.utf8[..<end], as: UTF8.self)
            let verdict = classify(prefix, language: language)
            let warning = ScanWarning(
                code: "truncated", message: "text of \(text.utf8.count) bytes: only the first \(prefix.utf8.count) were read")
            return verdict.adding(warning)
        }
        let candidates = language.map { [$0] } ?? languageIdentifier?.candidates(for: text) ?? []
        let language = candidates.count == 1 ? candidates[0] : nil
        let entities = entityExtractor.entities(in: text)
        var views = LazyViews(text: text, normalizer: normalizer)
        let hits = hits(in: text, languages: candidates, views: &views)
        // The lexical layer reads the normalized view the rules have usually built already.
        let lexical = ruleSet.lexical.map { $0.contribution(text: text, view: views.view(.normalized)) }
        let verdict = Scorer(ruleSet: ruleSet, scratch: scratch).verdict(
            for: text, hits: hits, entities: entities, lexical: lexical)
        return verdict.with(language: language, candidates: candidates, entities: entities)
    }

    /// Runs every applicable rule over `text`: pattern rules first, then meta rules in dependency order.
    /// `language` restricts the rules to those written for it or for `any`; nil runs every rule.
    public func hits(in text: String, language: String? = nil) -> RuleHits {
        hits(in: text, languages: language.map { [$0] } ?? [])
    }

    /// The same for a text that may be in any of `languages` (empty: unknown, every rule runs).
    public func hits(in text: String, languages: [String]) -> RuleHits {
        var views = LazyViews(text: text, normalizer: normalizer)
        return hits(in: text, languages: languages, views: &views)
    }

    /// The same, building the text's views into `views` (so the caller can reuse them).
    func hits(in text: String, languages: [String], views: inout LazyViews) -> RuleHits {
        let rules = ruleSet.rules
        var fired = [Bool](repeating: false, count: rules.count)
        var spans = [[HitSpan]](repeating: [], count: rules.count)
        var warnings: [ScanWarning] = []
        let limit = maxSpansPerRule
        let started = DispatchTime.now().uptimeNanoseconds
        let budget = UInt64(max(0, timeBudget) * 1e9)
        // The pattern rules to run: those for the text's languages, narrowed by the prefilter to its candidates.
        let selection = self.selection(for: languages)
        var toRun = [Bool](repeating: false, count: rules.count)
        for i in selection.patternRules { toRun[i] = true }
        prefilter?.narrow(
            &toRun, viewNeeded: selection.viewNeeded, views: &views, scratch: prefilterScratch, found: prefilterFindings)
        let order = ruleSet.scanOrder
        for (position, i) in order.enumerated() where toRun[i] {
            guard case .pattern(let pattern) = rules[i].body else { continue }
            let view = views.view(rules[i].view)
            var found: [HitSpan] = []
            let ruleStarted = measuresRuleTime ? DispatchTime.now().uptimeNanoseconds : 0
            defer { if measuresRuleTime { ruleNanoseconds[i] += DispatchTime.now().uptimeNanoseconds - ruleStarted } }
            // PCRE2 tries only the starting points near the rule's lead literals when it has some.
            let windowed = prefilter?.startWindows(
                rule: i, view: rules[i].view, text: view.text, found: prefilterFindings, into: &startWindows) ?? false
            do {
                try pattern.forEachMatch(in: view.text, startingIn: windowed ? startWindows : nil, scratch: scratch) { span in
                    let original = view.originalSpan(start: span.start, end: span.end)
                    found.append(HitSpan(
                        start: original.start, end: original.end, tricks: view.tricks(start: span.start, end: span.end)))
                    return found.count < limit
                }
            } catch {
                warnings.append(ScanWarning(
                    code: "match_limit", message: "rule skipped for this text: \(error)", rule: rules[i].id))
                continue
            }
            fired[i] = !found.isEmpty
            spans[i] = found
            if DispatchTime.now().uptimeNanoseconds - started > budget {
                let skipped = order[(position + 1)...].lazy.filter { toRun[$0] }.count
                if skipped > 0 {
                    warnings.append(ScanWarning(
                        code: "time_budget",
                        message: "the document's time budget of \(timeBudget) s ran out: \(skipped) pattern rules were not run"))
                    break
                }
            }
        }
        for (i, blockers) in ruleSet.blockers where fired[i] && blockers.contains(where: { fired[$0] }) {
            fired[i] = false
            spans[i] = []
        }
        for i in selection.metaRules {
            fired[i] = ruleSet.resolvedMeta[i]?.evaluate(fired) ?? false
        }
        return RuleHits(fired: fired, spans: spans, warnings: warnings)
    }

    /// The rules written for any of a text's candidate languages (all of them when there is none).
    private struct RuleSelection {
        /// Pattern rule indices.
        let patternRules: [Int]
        /// By view kind: whether one of `patternRules` reads that view.
        let viewNeeded: [Bool]
        /// Meta rule indices, in evaluation order.
        let metaRules: [Int]
    }

    /// The selection for `languages`, worked out once per combination of languages (there are few), so the
    /// per-text loop does not walk and copy a thousand `Rule` values.
    private func selection(for languages: [String]) -> RuleSelection {
        if let known = selections[languages] { return known }
        // Language lists come from callers (a service passes its clients'): keep the cache small.
        if selections.count >= 64 { selections.removeAll() }
        let rules = ruleSet.rules
        var patternRules: [Int] = []
        var viewNeeded = [Bool](repeating: false, count: ViewKind.allCases.count)
        for i in rules.indices where rules[i].applies(toAnyOf: languages) {
            guard case .pattern = rules[i].body else { continue }
            patternRules.append(i)
            viewNeeded[rules[i].view.index] = true
        }
        let metaRules = ruleSet.metaOrder.filter { rules[$0].applies(toAnyOf: languages) }
        let selection = RuleSelection(patternRules: patternRules, viewNeeded: viewNeeded, metaRules: metaRules)
        selections[languages] = selection
        return selection
    }
}

/// The views of one text, built when first asked for.
struct LazyViews {
    let text: String
    let normalizer: Normalizer
    private var raw: TextView?
    private var normalized: (folded: TextView, normalized: TextView)?

    init(text: String, normalizer: Normalizer) {
        self.text = text
        self.normalizer = normalizer
    }

    mutating func view(_ kind: ViewKind) -> TextView {
        switch kind {
        case .raw:
            if raw == nil { raw = TextView.raw(text) }
            return raw!
        case .folded, .normalized:
            if normalized == nil { normalized = normalizer.views(of: text) }
            return kind == .folded ? normalized!.folded : normalized!.normalized
        }
    }
}

/// Turns rule hits into a verdict: sums weights, applies the bias and logistic, picks the label, and
/// builds the evidence with offsets into the original text.
struct Scorer {
    let ruleSet: RuleSet
    /// PCRE2 working memory for the heuristics that match patterns (the scanner's own: one thread at a time).
    let scratch: MatchScratch

    func verdict(for text: String, hits: RuleHits, entities: [Entity] = [], lexical: LexicalContribution? = nil) -> Verdict {
        let rules = ruleSet.rules
        var score = lexical?.score ?? 0
        var tacticWeight: [String: Double] = [:]
        var pending: [PendingEvidence] = []
        for (i, rule) in rules.enumerated() where hits.fired[i] && !rule.isSubRule {
            score += rule.weight
            if let tactic = rule.tactic { tacticWeight[tactic, default: 0] += rule.weight }
            let describe = rule.describe
            switch rule.body {
            case .pattern:
                pending += hits.spans[i].map {
                    PendingEvidence(id: rule.id, tactic: rule.tactic, weight: rule.weight, describe: describe, span: $0)
                }
            case .meta:
                let parts = ruleSet.resolvedMeta[i]?.firedOperands(hits.fired) ?? []
                let span = parts.lazy.compactMap { firstSpan(of: $0, hits: hits) }.first ?? HitSpan(start: 0, end: 0, tricks: [])
                pending.append(PendingEvidence(
                    id: rule.id, tactic: rule.tactic, weight: rule.weight, describe: describe,
                    span: HitSpan(start: span.start, end: span.end, tricks: []), parts: parts.map { rules[$0].id }))
            }
        }
        for heuristic in ruleSet.settings.heuristics {
            guard let found = heuristicEvidence(heuristic, pending, entities, text, hits) else { continue }
            score += heuristic.weight
            tacticWeight[heuristic.tactic, default: 0] += heuristic.weight
            pending.append(found)
        }
        let scalarOffsets = UTF8Offsets.scalarOffsets(of: pending.flatMap { [$0.span.start, $0.span.end] }, in: text)
        let evidence = pending.map { item in
            Evidence(
                rule: item.id, tactic: item.tactic ?? "", weight: item.weight, describe: item.describe,
                text: UTF8Offsets.slice(text, from: item.span.start, to: item.span.end),
                start: item.span.start, end: item.span.end,
                charStart: scalarOffsets[item.span.start] ?? 0, charEnd: scalarOffsets[item.span.end] ?? 0,
                parts: item.parts, tricks: item.span.tricks.names)
        }.sorted { ($0.start, $0.end, $0.rule) < ($1.start, $1.end, $1.rule) }
        let order = ruleSet.tacticOrder
        let tactics = tacticWeight.filter { $0.value > 0 }
            .sorted { a, b in
                a.value != b.value ? a.value > b.value : (order[a.key] ?? .max) < (order[b.key] ?? .max)
            }
            .map(\.key)
        let probability = Self.logistic(score + ruleSet.settings.bias)
        return Verdict(
            label: label(for: probability), probability: probability, score: score, tactics: tactics,
            evidence: evidence, warnings: hits.warnings, lexical: lexical)
    }

    /// Evidence before offsets are converted.
    struct PendingEvidence {
        let id: String
        let tactic: String?
        let weight: Double
        let describe: String
        let span: HitSpan
        var parts: [String] = []
    }

    /// The evidence a heuristic adds, if it fires.
    private func heuristicEvidence(
        _ heuristic: Heuristic, _ pending: [PendingEvidence], _ entities: [Entity], _ text: String, _ hits: RuleHits
    ) -> PendingEvidence? {
        func evidence(at entity: Entity) -> PendingEvidence {
            PendingEvidence(
                id: heuristic.id, tactic: heuristic.tactic, weight: heuristic.weight, describe: heuristic.describe,
                span: HitSpan(start: entity.start, end: entity.end, tricks: []))
        }
        switch heuristic.kind {
        case .highPay:
            let threshold = heuristic.threshold ?? .infinity
            return entities.first { ($0.usdPerDay ?? 0) >= threshold }.map(evidence(at:))
        case .highPayForHours:
            let threshold = heuristic.threshold ?? .infinity
            guard entities.contains(where: { $0.usdPerDay != nil }),
                let time = StatedWorkTime.longest(in: text, scratch: scratch)
            else { return nil }
            // Per stated hour: an hourly amount as it is; a daily, weekly or monthly one over the stated hours.
            return entities.first { entity in
                guard let perDay = entity.usdPerDay else { return false }
                let perHour = entity["period"] == .string("hour") ? perDay / EntityParser.workingHoursPerDay : perDay / time.hours
                return perHour >= threshold
            }.map(evidence(at:))
        case .chatOnlyContact:
            let chat = entities.first { $0.isChatContact }
            guard let chat, !entities.contains(where: \.isOrganisationContact) else { return nil }
            return evidence(at: chat)
        case .shouting:
            guard let span = Shouting.find(in: text) else { return nil }
            return PendingEvidence(
                id: heuristic.id, tactic: heuristic.tactic, weight: heuristic.weight, describe: heuristic.describe,
                span: HitSpan(start: span.start, end: span.end, tricks: []))
        case .freeMailOnlyContact:
            let freeMail = entities.first { $0.kind == .email && $0["free_mail"] == .bool(true) }
            guard let freeMail, !entities.contains(where: \.isOrganisationContact) else { return nil }
            return evidence(at: freeMail)
        case .vagueAdvert:
            func fired(_ id: String) -> Bool { ruleSet.indexByID[id].map { hits.fired[$0] } ?? false }
            guard let offer = heuristic.offer, let index = ruleSet.indexByID[offer], hits.fired[index],
                !heuristic.details.contains(where: fired), !entities.contains(where: \.isOrganisationContact),
                let span = hits.spans[index].first
            else { return nil }
            return PendingEvidence(
                id: heuristic.id, tactic: heuristic.tactic, weight: heuristic.weight, describe: heuristic.describe,
                span: HitSpan(start: span.start, end: span.end, tricks: []), parts: [offer])
        case .obfuscation:
            // A scam signal found only by seeing through a disguise: hiding the word is itself evidence.
            guard let disguised = pending.first(where: { $0.weight > 0 && !$0.span.tricks.isEmpty }) else { return nil }
            let tricks = pending.filter { $0.weight > 0 }.reduce(ObfuscationTricks()) { $0.union($1.span.tricks) }
            return PendingEvidence(
                id: heuristic.id, tactic: heuristic.tactic, weight: heuristic.weight, describe: heuristic.describe,
                span: HitSpan(start: disguised.span.start, end: disguised.span.end, tricks: tricks),
                parts: [disguised.id])
        }
    }

    func label(for probability: Double) -> Label {
        let thresholds = ruleSet.settings.thresholds
        if probability >= thresholds.scam { return .scam }
        if probability >= thresholds.suspicious { return .suspicious }
        return .legit
    }

    static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The first span of a fired rule: its own first match, or for a meta rule the first span of its parts.
    private func firstSpan(of index: Int, hits: RuleHits) -> HitSpan? {
        if let span = hits.spans[index].first { return span }
        guard let meta = ruleSet.resolvedMeta[index] else { return nil }
        return meta.firedOperands(hits.fired).lazy.compactMap { firstSpan(of: $0, hits: hits) }.first
    }
}
