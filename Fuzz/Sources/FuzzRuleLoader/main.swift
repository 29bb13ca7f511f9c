// Fuzzes the rule loader: any bytes as a rules file must load or fail with diagnostics, never crash.
import Foundation
import FuzzSupport
import RedFlag

private let settings = "name: fuzz\nversion: '1'\nbias: -3\nthresholds: {suspicious: 0.5, scam: 0.9}\n"
private let tactics = "tactics:\n  - {id: offplatform, describe: chat apps}\n  - {id: upfront_fee, describe: fees}\n"


@_cdecl("LLVMFuzzerTestOneInput")
func fuzzRuleLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let rules = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let files = PatternFiles(files: [
        .init(relativePath: "ruleset.yaml", displayPath: "ruleset.yaml", contents: settings),
        .init(relativePath: "tactics.yaml", displayPath: "tactics.yaml", contents: tactics),
        .init(relativePath: "rules/fuzz.yaml", displayPath: "rules/fuzz.yaml", contents: rules),
    ])
    do {
        let ruleSet = try RuleSet.load(files)
        let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: false, timeBudget: 0.05)
        _ = scanner.classify("Pay the training fee, then write to me on T e l e g r a m")
        _ = RuleSetChecks(ruleSet: ruleSet).lint()
    } catch {
        // Every error must say where it is.
        precondition(!error.diagnostics.isEmpty, "a failed load without diagnostics")
    }
    return 0
}

runFuzzer { fuzzRuleLoader($0, $1) }
