// A runnable example of the RedFlag library: classify one message and print the evidence.
// Run it with: swift run redflag-example ["text to check"]
import RedFlag

let text = CommandLine.arguments.dropFirst().first
    ?? "Earn $300 a day liking videos. Recharge 100 USDT to unlock the next set of tasks, then message me on Telegram."

// Load the default rule set (embedded in the binary) once, and share it between scanners.
let ruleSet = try RuleSet.embedded()
// A scanner owns PCRE2 scratch memory: one per thread.
let scanner = RuleScanner(ruleSet: ruleSet)
let verdict = scanner.classify(text)

print("\(verdict.label) (probability \(verdict.probability))")
for evidence in verdict.evidence {
    print("- \(evidence.rule) [\(evidence.tactic), \(evidence.weight)]: \"\(evidence.text)\" at \(evidence.start)..<\(evidence.end)")
}
// The same verdict as one line of the JSON output contract (docs/output.md).
print(verdict.json(id: .string("example")))
