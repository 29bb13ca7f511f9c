import Foundation

/// Checks a loaded rule set beyond what loading requires: lint warnings and the rules' own examples.
public struct RuleSetChecks {
    public let ruleSet: RuleSet

    public init(ruleSet: RuleSet) { self.ruleSet = ruleSet }

    /// The outcome of running every rule's examples.
    public struct ExampleReport: Sendable {
        /// Examples that behaved as their rule says.
        public let passed: Int
        /// One RF201–RF204 diagnostic per example that did not, at the example's line.
        public let failures: [Diagnostic]
    }

    /// Runs every example of every rule through the whole set (so meta rules see their parts) and checks
    /// that `match` texts fire the rule, `nomatch` texts do not, and `todo-*` texts are still wrong.
    public func testExamples() -> ExampleReport {
        let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: false)
        var passed = 0
        var failures: [Diagnostic] = []
        var cache: [String: Set<String>] = [:]
        func fires(_ rule: Rule, on example: RuleExample) -> Bool {
            if let known = cache[example.text] { return known.contains(rule.id) }
            let fired = scanner.hits(in: example.text).firedIDs(in: ruleSet)
            cache[example.text] = fired
            return fired.contains(rule.id)
        }
        for rule in ruleSet.rules {
            let cases: [(examples: [RuleExample], shouldFire: Bool, code: DiagnosticCode, message: String)] = [
                (rule.examples.match, true, .matchExampleFailed, "'match' example does not fire the rule"),
                (rule.examples.nomatch, false, .nomatchExampleFailed, "'nomatch' example fires the rule"),
                (rule.examples.todoMatch, false, .todoMatchNowFires, "'todo-match' example now fires: move it to 'match'"),
                (rule.examples.todoNomatch, true, .todoNomatchNowPasses, "'todo-nomatch' example no longer fires: move it to 'nomatch'"),
            ]
            for item in cases {
                for example in item.examples {
                    if fires(rule, on: example) == item.shouldFire {
                        passed += 1
                    } else {
                        failures.append(Diagnostic(item.code, "\(item.message): \(quoted(example.text))", at: example.location, rule: rule.id))
                    }
                }
            }
        }
        return ExampleReport(passed: passed, failures: failures)
    }

    /// Warnings RF101–RF104: risky backtracking, missing local descriptions, rules no example fires,
    /// unused sub-rules.
    public func lint() -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let usedByMeta = Set(ruleSet.rules.flatMap { rule -> [String] in
            if case .meta(let expression) = rule.body { return expression.operands + rule.unless }
            return rule.unless
        } + ruleSet.settings.heuristics.flatMap { [$0.offer].compactMap { $0 } + $0.details })
        let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: false)
        var firedByExamples: Set<String> = []
        for rule in ruleSet.rules {
            for example in rule.examples.match + rule.examples.todoNomatch {
                firedByExamples.formUnion(scanner.hits(in: example.text).firedIDs(in: ruleSet))
            }
        }
        for rule in ruleSet.rules {
            if case .pattern(let pattern) = rule.body, let risk = BacktrackingRisk.find(in: pattern.source) {
                warnings.append(Diagnostic(.riskyBacktracking, risk, at: rule.location, rule: rule.id))
            }
            if !rule.isSubRule {
                for language in rule.languages where language != "en" && language != "any" && rule.describeLocal[language] == nil {
                    warnings.append(Diagnostic(
                        .missingLocalDescription, "no describe-local for '\(language)', a language the rule is written for",
                        at: rule.location, rule: rule.id))
                }
            }
            if !firedByExamples.contains(rule.id) {
                warnings.append(Diagnostic(.neverFires, "no example in the set makes this rule fire", at: rule.location, rule: rule.id))
            }
            if rule.isSubRule && !usedByMeta.contains(rule.id) {
                warnings.append(Diagnostic(.unusedSubRule, "sub-rule is used by no meta rule or heuristic", at: rule.location, rule: rule.id))
            }
        }
        return warnings
    }

    private func quoted(_ text: String) -> String {
        let short = text.count > 80 ? String(text.prefix(77)) + "…" : text
        return "\"\(short)\""
    }
}

/// A static look for patterns that can backtrack catastrophically: a group containing an unbounded
/// quantifier that is itself repeated, as in `(a+)+` or `(.*a){20}`.
enum BacktrackingRisk {
    /// A sentence describing the first risky construct, or nil.
    static func find(in pattern: String) -> String? {
        struct Group { var start: Int; var atomic: Bool; var unbounded = false }
        let characters = Array(pattern)
        var stack = [Group(start: 0, atomic: false)]
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\\":
                index += 2
                continue
            case "[":
                index = endOfClass(characters, from: index)
            case "(":
                let atomic = index + 2 < characters.count && characters[index + 1] == "?" && characters[index + 2] == ">"
                stack.append(Group(start: index, atomic: atomic))
            case ")" where stack.count > 1:
                let group = stack.removeLast()
                let (repeats, unbounded, length) = quantifier(characters, at: index + 1)
                if repeats, group.unbounded, !group.atomic {
                    let text = String(characters[group.start...min(index + length, characters.count - 1)])
                    return "the group '\(text)' repeats an unbounded quantifier: a risk of catastrophic backtracking; bound the inner repeat or make the group atomic"
                }
                if group.unbounded || unbounded { stack[stack.count - 1].unbounded = true }
                index += length
            case "*", "+":
                stack[stack.count - 1].unbounded = true
            case "{":
                if quantifier(characters, at: index).unbounded { stack[stack.count - 1].unbounded = true }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// Index of the `]` closing the class opened at `start`.
    private static func endOfClass(_ characters: [Character], from start: Int) -> Int {
        var index = start + 1
        if index < characters.count && characters[index] == "^" { index += 1 }
        if index < characters.count && characters[index] == "]" { index += 1 }
        while index < characters.count && characters[index] != "]" {
            index += characters[index] == "\\" ? 2 : 1
        }
        return index
    }

    /// Reads a quantifier at `index`: whether it allows more than one repeat, whether it is unbounded, and
    /// its length in characters (0 when there is none).
    private static func quantifier(_ characters: [Character], at index: Int) -> (repeats: Bool, unbounded: Bool, length: Int) {
        guard index < characters.count else { return (false, false, 0) }
        switch characters[index] {
        case "*", "+": return (true, true, 1)
        case "?": return (false, false, 1)
        case "{":
            var end = index + 1
            while end < characters.count && characters[end] != "}" { end += 1 }
            guard end < characters.count else { return (false, false, 0) }
            let body = String(characters[(index + 1)..<end])
            let parts = body.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let low = Int(parts[0].isEmpty ? "0" : parts[0]) else { return (false, false, 0) }
            if parts.count == 1 { return (low > 1, false, end - index + 1) }
            if parts[1].isEmpty { return (true, true, end - index + 1) }
            guard let high = Int(parts[1]) else { return (false, false, 0) }
            return (high > 1, false, end - index + 1)
        default:
            return (false, false, 0)
        }
    }
}
