// Fuzzes the JSON Lines path: any bytes split into lines must give exactly one valid JSON record per line.
import Foundation
import FuzzSupport
import RedFlag

nonisolated(unsafe) private let classifier: BatchClassifier = {
    let ruleSet = try! RuleSet.embedded()
    let scanner = RuleScanner(ruleSet: ruleSet, identifyLanguage: true, timeBudget: 0.2, maxTextBytes: 100_000)
    return BatchClassifier(scanner: scanner, format: .jsonLines(textField: "text", idField: "id"))
}()


@_cdecl("LLVMFuzzerTestOneInput")
func fuzzJSONLines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated() {
        let (json, _) = classifier.classify(line: line, number: index + 1)
        let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8))
        precondition(parsed is [String: Any], "output record is not a JSON object: \(json)")
    }
    return 0
}

runFuzzer { fuzzJSONLines($0, $1) }
