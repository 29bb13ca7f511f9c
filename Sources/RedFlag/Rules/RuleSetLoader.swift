import RedFlagRegex
import Yams

/// Turns pattern files into a compiled `RuleSet`, collecting every problem of the run before failing.
struct RuleSetLoader {
    private var diagnostics: [Diagnostic] = []

    static let ruleKeys: Set<String> = [
        "id", "tactic", "weight", "languages", "describe", "describe-local", "pattern", "meta", "flags",
        "match", "nomatch", "todo-match", "todo-nomatch", "ref", "view", "unless",
    ]
    static let flagOptions: [String: PatternOptions] = [
        "case-sensitive": [], "multiline": .multiline, "dotall": .dotAll, "extended": .extended,
    ]

    /// A rule as read from YAML, before cross-checks and compilation.
    private struct DraftRule {
        var id: String
        var idNode: Node
        var tactic: (String, Node)?
        var weight: Double?
        var languages: [String] = []
        var describe: String?
        var describeLocal: [String: String] = [:]
        var pattern: (String, Node)?
        var meta: (String, Node)?
        var flags: [String] = []
        var view: ViewKind = .normalized
        var examples = RuleExamples()
        var references: [String] = []
        var unless: [(String, Node)] = []
        var location: SourceLocation
    }

    mutating func load(_ files: PatternFiles) throws(RuleSetError) -> RuleSet {
        diagnostics = files.readDiagnostics
        var settings: RuleSetSettings?
        var tactics: [Tactic] = []
        var drafts: [DraftRule] = []
        for file in files.files {
            var document = YAMLDocument(file: file.displayPath)
            defer { diagnostics += document.diagnostics }
            guard let root = document.parse(file.contents) else {
                if document.diagnostics.isEmpty {
                    document.report(.wrongType, "file is empty", at: SourceLocation(file: file.displayPath, line: 1, column: 1))
                }
                continue
            }
            switch file.relativePath {
            case "ruleset.yaml": settings = Self.readSettings(root, &document)
            case "tactics.yaml": tactics = Self.readTactics(root, &document)
            default: drafts += Self.readRules(root, &document)
            }
        }
        if settings == nil, !files.files.contains(where: { $0.relativePath == "ruleset.yaml" }),
            !diagnostics.contains(where: { $0.code == .unreadable })
        {
            diagnostics.append(Diagnostic(
                .unreadable, "the pattern set has no ruleset.yaml", at: SourceLocation(file: "ruleset.yaml", line: 1, column: 1)))
        }
        let rules = compile(drafts, tactics: Set(tactics.map(\.id)))
        for heuristic in settings?.heuristics ?? [] where !tactics.contains(where: { $0.id == heuristic.tactic }) {
            let file = files.files.first { $0.relativePath == "ruleset.yaml" }?.displayPath ?? "ruleset.yaml"
            diagnostics.append(Diagnostic(
                .unknownTactic, "heuristic tactic '\(heuristic.tactic)' is not in tactics.yaml",
                at: SourceLocation(file: file, line: 1, column: 1), rule: heuristic.id))
        }
        let ruleIDs = Set(drafts.map(\.id))
        for heuristic in settings?.heuristics ?? [] {
            for id in [heuristic.offer].compactMap({ $0 }) + heuristic.details where !ruleIDs.contains(id) {
                let file = files.files.first { $0.relativePath == "ruleset.yaml" }?.displayPath ?? "ruleset.yaml"
                diagnostics.append(Diagnostic(
                    .invalidHeuristic, "heuristic refers to rule '\(id)', which no rules file defines",
                    at: SourceLocation(file: file, line: 1, column: 1), rule: heuristic.id))
            }
        }
        if let duplicate = (settings?.heuristics ?? []).first(where: { heuristic in drafts.contains { $0.id == heuristic.id } }) {
            diagnostics.append(Diagnostic(
                .duplicateID, "heuristic id '\(duplicate.id)' is also a rule id", at: SourceLocation(file: "ruleset.yaml", line: 1, column: 1), rule: duplicate.id))
        }
        let order = metaOrder(rules)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let settings, let order else {
            throw RuleSetError(diagnostics: errors.sorted(by: Self.fileOrder))
        }
        return RuleSet(
            settings: settings, tactics: tactics, rules: rules, metaOrder: order, fingerprint: files.fingerprint)
    }

    static func fileOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        (a.location.file, a.location.line, a.location.column) < (b.location.file, b.location.line, b.location.column)
    }

    // MARK: - ruleset.yaml and tactics.yaml

    private static func readSettings(_ root: Node, _ document: inout YAMLDocument) -> RuleSetSettings? {
        guard let keys = document.mapping(root, what: "ruleset.yaml", allowed: ["name", "version", "bias", "thresholds", "heuristics"])
        else { return nil }
        func required(_ key: String) -> Node? {
            if let node = keys[key]?.value { return node }
            document.report(.missingKey, "ruleset.yaml needs '\(key)'", at: document.location(root))
            return nil
        }
        let name = required("name").flatMap { document.string($0, what: "name") }
        let version = required("version").flatMap { document.string($0, what: "version") }
        let bias = required("bias").flatMap { document.number($0, what: "bias") }
        var thresholds: Thresholds?
        if let node = required("thresholds"),
            let values = document.mapping(node, what: "thresholds", allowed: ["suspicious", "scam"])
        {
            let suspicious = values["suspicious"].flatMap { document.number($0.value, what: "thresholds.suspicious") }
            let scam = values["scam"].flatMap { document.number($0.value, what: "thresholds.scam") }
            if let suspicious, let scam {
                if !(0 < suspicious && suspicious < 1 && 0 < scam && scam < 1 && suspicious <= scam) {
                    document.report(
                        .invalidRuleSetConfig,
                        "thresholds must satisfy 0 < suspicious <= scam < 1 (got \(suspicious), \(scam))",
                        at: document.location(node))
                } else {
                    thresholds = Thresholds(suspicious: suspicious, scam: scam)
                }
            } else {
                document.report(.missingKey, "thresholds need 'suspicious' and 'scam'", at: document.location(node))
            }
        }
        if let bias, !bias.isFinite {
            document.report(.invalidRuleSetConfig, "bias must be a finite number", at: document.location(root))
            return nil
        }
        let heuristics = keys["heuristics"].map { readHeuristics($0.value, &document) } ?? []
        guard let name, let version, let bias, let thresholds else { return nil }
        return RuleSetSettings(name: name, version: version, bias: bias, thresholds: thresholds, heuristics: heuristics)
    }

    private static func readHeuristics(_ node: Node, _ document: inout YAMLDocument) -> [Heuristic] {
        guard case .sequence(let items) = node else {
            document.report(.wrongType, "'heuristics' must be a list", at: document.location(node))
            return []
        }
        var heuristics: [Heuristic] = []
        for item in items {
            let required: Set<String> = ["id", "kind", "tactic", "weight", "describe"]
            guard let fields = document.mapping(item, what: "a heuristic", allowed: required.union(["threshold", "offer", "details"])) else { continue }
            guard required.allSatisfy({ fields[$0] != nil }) else {
                document.report(.missingKey, "a heuristic needs id, kind, tactic, weight and describe", at: document.location(item))
                continue
            }
            guard let id = document.string(fields["id"]!.value, what: "id"),
                let kindName = document.string(fields["kind"]!.value, what: "kind"),
                let tactic = document.string(fields["tactic"]!.value, what: "tactic"),
                let weight = document.number(fields["weight"]!.value, what: "weight"),
                let describe = document.string(fields["describe"]!.value, what: "describe")
            else { continue }
            guard let kind = Heuristic.Kind(rawValue: kindName) else {
                let known = Heuristic.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                document.report(.invalidHeuristic, "unknown heuristic kind '\(kindName)' (known: \(known))", at: document.location(fields["kind"]!.value), rule: id)
                continue
            }
            guard weight.isFinite else {
                document.report(.invalidWeight, "weight must be a finite number", at: document.location(fields["weight"]!.value), rule: id)
                continue
            }
            let threshold = fields["threshold"].flatMap { document.number($0.value, what: "threshold", rule: id) }
            if kind == .highPay && threshold == nil {
                document.report(.invalidHeuristic, "a high_pay heuristic needs a threshold (US dollars per day)", at: document.location(item), rule: id)
                continue
            }
            if kind == .highPayForHours && threshold == nil {
                document.report(.invalidHeuristic, "a high_pay_for_hours heuristic needs a threshold (US dollars per stated hour)", at: document.location(item), rule: id)
                continue
            }
            var heuristic = Heuristic(id: id, kind: kind, tactic: tactic, weight: weight, describe: describe, threshold: threshold)
            if kind == .vagueAdvert {
                guard let offer = fields["offer"].flatMap({ document.string($0.value, what: "offer") }),
                    let details = fields["details"].flatMap({ document.strings($0.value, what: "details", rule: id)?.map(\.0) }), !details.isEmpty
                else {
                    document.report(.invalidHeuristic, "a vague_advert heuristic needs 'offer' (a rule id) and 'details' (a list of rule ids)", at: document.location(item), rule: id)
                    continue
                }
                heuristic.offer = offer
                heuristic.details = details
            }
            heuristics.append(heuristic)
        }
        return heuristics
    }

    private static func readTactics(_ root: Node, _ document: inout YAMLDocument) -> [Tactic] {
        guard let keys = document.mapping(root, what: "tactics.yaml", allowed: ["tactics"]) else { return [] }
        guard let list = keys["tactics"]?.value else {
            document.report(.missingKey, "tactics.yaml needs 'tactics'", at: document.location(root))
            return []
        }
        guard case .sequence(let items) = list else {
            document.report(.wrongType, "'tactics' must be a list", at: document.location(list))
            return []
        }
        var tactics: [Tactic] = []
        var seen: Set<String> = []
        for item in items {
            guard let fields = document.mapping(item, what: "a tactic", allowed: ["id", "describe"]) else { continue }
            guard let idNode = fields["id"]?.value, let describeNode = fields["describe"]?.value else {
                document.report(.missingKey, "a tactic needs 'id' and 'describe'", at: document.location(item))
                continue
            }
            guard let id = document.string(idNode, what: "id"),
                let describe = document.string(describeNode, what: "describe")
            else { continue }
            if !seen.insert(id).inserted {
                document.report(.duplicateID, "tactic '\(id)' is listed twice", at: document.location(idNode))
                continue
            }
            tactics.append(Tactic(id: id, describe: describe))
        }
        return tactics
    }

    // MARK: - Rules files

    private static func readRules(_ root: Node, _ document: inout YAMLDocument) -> [DraftRule] {
        guard let keys = document.mapping(root, what: "a rules file", allowed: ["rules"]) else { return [] }
        guard let list = keys["rules"]?.value else {
            document.report(.missingKey, "a rules file needs 'rules'", at: document.location(root))
            return []
        }
        guard case .sequence(let items) = list else {
            document.report(.wrongType, "'rules' must be a list", at: document.location(list))
            return []
        }
        return items.compactMap { readRule($0, &document) }
    }

    private static func readRule(_ node: Node, _ document: inout YAMLDocument) -> DraftRule? {
        let ruleID = node.mapping?["id"]?.scalar?.string
        guard let fields = document.mapping(node, what: "a rule", allowed: ruleKeys, rule: ruleID) else { return nil }
        guard let idNode = fields["id"]?.value else {
            document.report(.missingKey, "a rule needs 'id'", at: document.location(node))
            return nil
        }
        guard let id = document.string(idNode, what: "id") else { return nil }
        var rule = DraftRule(id: id, idNode: idNode, location: document.location(node))
        if !isValidID(id) {
            document.report(.invalidID, "id '\(id)' must be UPPER_SNAKE_CASE, optionally after '__'", at: document.location(idNode), rule: id)
        }
        let isSubRule = id.hasPrefix("__")

        func value(_ key: String) -> Node? { fields[key]?.value }
        func require(_ key: String) -> Node? {
            if let node = value(key) { return node }
            document.report(.missingKey, "rule needs '\(key)'", at: rule.location, rule: id)
            return nil
        }

        if isSubRule {
            if let weight = value("weight") {
                document.report(.invalidWeight, "a sub-rule ('__' id) never scores and takes no weight", at: document.location(weight), rule: id)
            }
            if let tactic = value("tactic"), let name = document.string(tactic, what: "tactic", rule: id) { rule.tactic = (name, tactic) }
            if let describe = value("describe") { rule.describe = document.string(describe, what: "describe", rule: id) }
        } else {
            if let tactic = require("tactic"), let name = document.string(tactic, what: "tactic", rule: id) { rule.tactic = (name, tactic) }
            if let weightNode = require("weight"), let weight = document.number(weightNode, what: "weight", rule: id) {
                if weight.isFinite {
                    rule.weight = weight
                } else {
                    document.report(.invalidWeight, "weight must be a finite number", at: document.location(weightNode), rule: id)
                }
            }
            if let describe = require("describe") { rule.describe = document.string(describe, what: "describe", rule: id) }
        }
        if let languages = require("languages"), let items = document.strings(languages, what: "languages", rule: id) {
            for (code, item) in items where !isLanguageCode(code) {
                document.report(.invalidLanguage, "'\(code)' is not an ISO 639-1 code or 'any'", at: document.location(item), rule: id)
            }
            rule.languages = items.map(\.0)
            if items.isEmpty {
                document.report(.missingKey, "'languages' lists no language", at: document.location(languages), rule: id)
            }
        }
        if let local = value("describe-local") {
            if case .mapping(let mapping) = local {
                for (key, text) in mapping {
                    guard let code = key.scalar?.string, isLanguageCode(code), code != "any" else {
                        document.report(.invalidLanguage, "describe-local keys must be ISO 639-1 codes", at: document.location(key), rule: id)
                        continue
                    }
                    if let text = document.string(text, what: "describe-local.\(code)", rule: id) { rule.describeLocal[code] = text }
                }
            } else {
                document.report(.wrongType, "describe-local must be a mapping of language code to text", at: document.location(local), rule: id)
            }
        }
        switch (value("pattern"), value("meta")) {
        case (let pattern?, nil):
            if let source = document.string(pattern, what: "pattern", rule: id) { rule.pattern = (source, pattern) }
        case (nil, let meta?):
            if let source = document.string(meta, what: "meta", rule: id) { rule.meta = (source, meta) }
        case (let pattern?, _?):
            document.report(.patternAndMeta, "a rule has either 'pattern' or 'meta', not both", at: document.location(pattern), rule: id)
        case (nil, nil):
            document.report(.patternAndMeta, "a rule needs 'pattern' or 'meta'", at: rule.location, rule: id)
        }
        if let flags = value("flags"), let items = document.strings(flags, what: "flags", rule: id) {
            for (flag, item) in items where flagOptions[flag] == nil {
                let known = flagOptions.keys.sorted().joined(separator: ", ")
                document.report(.unknownFlag, "unknown flag '\(flag)' (known: \(known))", at: document.location(item), rule: id)
            }
            rule.flags = items.map(\.0)
        }
        if let viewNode = value("view"), let name = document.string(viewNode, what: "view", rule: id) {
            if let kind = ViewKind(rawValue: name) {
                rule.view = kind
            } else {
                let known = ViewKind.allCases.map(\.rawValue).joined(separator: ", ")
                document.report(.unknownView, "unknown view '\(name)' (known: \(known))", at: document.location(viewNode), rule: id)
            }
        }
        func examples(_ key: String) -> [RuleExample] {
            guard let node = value(key), let items = document.strings(node, what: key, rule: id) else { return [] }
            return items.map { RuleExample(text: $0.0, location: document.location($0.1)) }
        }
        rule.examples = RuleExamples(
            match: examples("match"), nomatch: examples("nomatch"),
            todoMatch: examples("todo-match"), todoNomatch: examples("todo-nomatch"))
        if !isSubRule, rule.examples.match.isEmpty || rule.examples.nomatch.isEmpty {
            document.report(.missingExamples, "a scoring rule needs at least one 'match' and one 'nomatch' example", at: rule.location, rule: id)
        }
        if let ref = value("ref"), let items = document.strings(ref, what: "ref", rule: id, allowSingle: true) {
            rule.references = items.map(\.0)
        }
        if let unless = value("unless"), let items = document.strings(unless, what: "unless", rule: id, allowSingle: true) {
            rule.unless = items
        }
        return rule
    }

    // MARK: - Cross-checks and compilation

    private mutating func compile(_ drafts: [DraftRule], tactics: Set<String>) -> [Rule] {
        var seen: [String: SourceLocation] = [:]
        let ids = Set(drafts.map(\.id))
        // `unless` may name only pattern rules that have no `unless` of their own, so it is settled before any
        // meta rule is evaluated.
        let plainPatternRules = Set(drafts.filter { $0.pattern != nil && $0.unless.isEmpty }.map(\.id))
        var rules: [Rule] = []
        for draft in drafts {
            let place = SourceLocation(file: draft.location.file, line: draft.idNode.mark?.line ?? draft.location.line, column: draft.idNode.mark?.column ?? 1)
            if let first = seen[draft.id] {
                diagnostics.append(Diagnostic(.duplicateID, "id '\(draft.id)' is already used at \(first)", at: place, rule: draft.id))
                continue
            }
            seen[draft.id] = place
            if let (tactic, node) = draft.tactic, !tactics.contains(tactic) {
                diagnostics.append(Diagnostic(.unknownTactic, "tactic '\(tactic)' is not in tactics.yaml", at: location(node, in: draft), rule: draft.id))
            }
            var body: RuleBody?
            if let (source, node) = draft.pattern {
                var options: PatternOptions = draft.flags.contains("case-sensitive") ? [] : .caseless
                for flag in draft.flags { options.formUnion(Self.flagOptions[flag] ?? []) }
                do {
                    body = .pattern(try CompiledPattern(source, options: options))
                } catch {
                    diagnostics.append(Diagnostic(
                        .invalidPattern, "pattern does not compile: \(error.message) at offset \(error.offset)",
                        at: location(node, in: draft), rule: draft.id))
                }
            } else if let (source, node) = draft.meta {
                do {
                    let expression = try MetaExpression.parse(source)
                    for operand in expression.operands where !ids.contains(operand) {
                        diagnostics.append(Diagnostic(.unknownMetaOperand, "meta names unknown rule '\(operand)'", at: location(node, in: draft), rule: draft.id))
                    }
                    for case .atLeast(let count, let listed) in expression.subexpressions where count < 1 || count > listed.count {
                        diagnostics.append(Diagnostic(
                            .invalidCount, "'\(count) of' needs a count from 1 to \(listed.count), the number of rules listed",
                            at: location(node, in: draft), rule: draft.id))
                    }
                    body = .meta(expression)
                } catch {
                    diagnostics.append(Diagnostic(
                        .invalidMeta, "meta expression does not parse: \(error.message) at offset \(error.offset)",
                        at: location(node, in: draft), rule: draft.id))
                }
            }
            if !draft.unless.isEmpty && draft.pattern == nil {
                diagnostics.append(Diagnostic(
                    .invalidUnless, "'unless' is for pattern rules; a meta rule says '&& !RULE' instead",
                    at: location(draft.unless[0].1, in: draft), rule: draft.id))
            }
            for (other, node) in draft.unless where !plainPatternRules.contains(other) {
                let reason = ids.contains(other) ? "is not a pattern rule without 'unless' of its own" : "does not exist"
                diagnostics.append(Diagnostic(
                    .invalidUnless, "'unless' names '\(other)', which \(reason)", at: location(node, in: draft), rule: draft.id))
            }
            guard let body else { continue }
            rules.append(Rule(
                id: draft.id, tactic: draft.tactic?.0, weight: draft.weight ?? 0, languages: draft.languages,
                describe: draft.describe ?? "", describeLocal: draft.describeLocal, body: body, view: draft.view, flags: draft.flags,
                examples: draft.examples, references: draft.references, unless: draft.unless.map(\.0),
                location: draft.location))
        }
        return rules
    }

    private func location(_ node: Node, in draft: DraftRule) -> SourceLocation {
        SourceLocation(file: draft.location.file, line: node.mark?.line ?? draft.location.line, column: node.mark?.column ?? 1)
    }

    /// Indices of the meta rules in an order where each comes after the meta rules it names; nil on a cycle.
    private mutating func metaOrder(_ rules: [Rule]) -> [Int]? {
        var walk = MetaWalk(rules: rules)
        for i in rules.indices { walk.visit(i, path: []) }
        diagnostics += walk.cycles
        return walk.cycles.isEmpty ? walk.order : nil
    }
}

/// A depth-first walk over meta rules that orders them by dependency and reports cycles.
private struct MetaWalk {
    enum State { case visiting, done }
    let rules: [Rule]
    let index: [String: Int]
    var states: [Int: State] = [:]
    var order: [Int] = []
    var cycles: [Diagnostic] = []

    init(rules: [Rule]) {
        self.rules = rules
        self.index = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func visit(_ i: Int, path: [String]) {
        guard case .meta(let expression) = rules[i].body, states[i] != .done else { return }
        let id = rules[i].id
        if states[i] == .visiting {
            let cycle = (path.drop { $0 != id } + [id]).joined(separator: " -> ")
            cycles.append(Diagnostic(.metaCycle, "meta rules form a cycle: \(cycle)", at: rules[i].location, rule: id))
            return
        }
        states[i] = .visiting
        for operand in expression.operands {
            if let j = index[operand] { visit(j, path: path + [id]) }
        }
        states[i] = .done
        order.append(i)
    }
}

extension MetaExpression {
    /// This expression and every expression inside it.
    var subexpressions: [MetaExpression] {
        switch self {
        case .rule, .atLeast: return [self]
        case .not(let inner): return [self] + inner.subexpressions
        case .and(let terms), .or(let terms): return [self] + terms.flatMap(\.subexpressions)
        }
    }
}

/// `UPPER_SNAKE_CASE`, optionally after `__`.
func isValidID(_ id: String) -> Bool {
    let body = id.hasPrefix("__") ? id.dropFirst(2) : Substring(id)
    guard let first = body.first, first.isASCII, first.isUppercase else { return false }
    return body.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
}

/// Two lower-case ASCII letters (ISO 639-1), or `any`.
func isLanguageCode(_ code: String) -> Bool {
    code == "any" || (code.count == 2 && code.allSatisfy { $0.isASCII && $0.isLowercase })
}
