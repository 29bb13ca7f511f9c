import ArgumentParser
import Foundation
import RedFlag

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List, lint and test the rules of a pattern set.",
        subcommands: [ListRules.self, LintRules.self, TestRules.self]
    )
}

struct ListRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every rule: id, tactic, languages, weight and description.",
        discussion: """
            Examples:
              redflag rules list
              redflag rules list --json | jq -r 'select(.tactic == "task_scam") | .id'
              redflag rules list --patterns ./my-patterns
            """
    )

    @Flag(help: "Print one JSON object per rule (JSON Lines).")
    var json = false

    @OptionGroup var ruleSetOptions: RuleSetOptions

    func run() throws {
        let ruleSet = try ruleSetOptions.loadRuleSet()
        for rule in ruleSet.rules {
            if json {
                print(rule.json())
            } else {
                let weight = rule.isSubRule ? "-" : String(format: "%+.2f", rule.weight)
                let tactic = rule.tactic ?? "(sub-rule)"
                let languages = rule.languages.joined(separator: ",")
                let describe = rule.describe.isEmpty ? "" : "  \(rule.describe)"
                print("\(rule.id)  \(tactic)  [\(languages)]  \(weight)\(describe)")
            }
        }
    }
}

struct LintRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a pattern set: every load error, then warnings (risky backtracking, missing translations, rules no example fires, unused sub-rules).",
        discussion: """
            Diagnostics read file:line:column: severity[CODE]: message (rule ID); the codes are listed in
            Patterns/README.md.

            Examples:
              redflag rules lint
              redflag rules lint --patterns ./my-patterns --strict

            Exit codes: 0 no errors and no risky pattern (RF101), and no warnings at all with --strict;
            1 problems found; 2 error.
            """
    )

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @OptionGroup var ruleSetOptions: RuleSetOptions

    func run() throws {
        let ruleSet: RuleSet
        do {
            ruleSet = try ruleSetOptions.loadRuleSet()
        } catch let failure as ReportedFailure where failure.code == 2 {
            throw ExitCode(1)
        }
        let warnings = RuleSetChecks(ruleSet: ruleSet).lint()
        warnings.forEach { print($0.description) }
        let risky = warnings.filter { $0.code == .riskyBacktracking }.count
        print("\(ruleSet.rules.count) rules, 0 errors, \(warnings.count) warning\(warnings.count == 1 ? "" : "s")")
        if risky > 0 {
            print("refused: \(risky) pattern\(risky == 1 ? "" : "s") can backtrack catastrophically (RF101)")
        }
        // A pattern that can backtrack without end is refused even without --strict.
        throw ExitCode(risky > 0 || (strict && !warnings.isEmpty) ? 1 : 0)
    }
}

struct TestRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every rule's match, nomatch and todo examples.",
        discussion: """
            Each failure names the file and line of the example and the rule id.

            Examples:
              redflag rules test
              redflag rules test --patterns ./my-patterns

            Exit codes: 0 every example behaves as written, 1 some do not, 2 error.
            """
    )

    @OptionGroup var ruleSetOptions: RuleSetOptions

    func run() throws {
        let ruleSet = try ruleSetOptions.loadRuleSet()
        let report = RuleSetChecks(ruleSet: ruleSet).testExamples()
        report.failures.forEach { print($0.description) }
        print("examples: \(report.passed) passed, \(report.failures.count) failed")
        throw ExitCode(report.failures.isEmpty ? 0 : 1)
    }
}
