import Foundation
import Testing

/// The `redflag` binary built beside the test bundle.
let redflagBinary: URL = {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("redflag")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/redflag")
}()

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// What a run of the binary printed and how it exited.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
}

/// A snapshot cache folder of the test run's own, so no test reads a snapshot of the developer's or CI's home.
let testCacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-cli-cache-\(UUID().uuidString)").path

/// Runs `redflag` with arguments and optional standard input (given through a file, so no pipe can block).
func redflag(_ arguments: [String], input: Data? = nil) throws -> Run {
    let inputFile = try temporaryFile(input ?? Data(), suffix: ".stdin")
    let errorFile = try temporaryFile(Data(), suffix: ".stderr")
    defer {
        try? FileManager.default.removeItem(at: inputFile)
        try? FileManager.default.removeItem(at: errorFile)
    }
    let process = Process()
    process.executableURL = redflagBinary
    process.arguments = arguments
    process.currentDirectoryURL = FileManager.default.temporaryDirectory
    process.environment = ProcessInfo.processInfo.environment.merging(["REDFLAG_CACHE_DIR": testCacheDirectory]) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorFile)
    process.standardInput = try FileHandle(forReadingFrom: inputFile)
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let errData = try Data(contentsOf: errorFile)
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// A pattern-set folder with the given rules file (and a small ruleset.yaml and tactics.yaml).
func makePatternSet(rules: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-set-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"), withIntermediateDirectories: true)
    try "name: t\nversion: '1'\nbias: -2\nthresholds: {suspicious: 0.5, scam: 0.8}\n".write(to: folder.appendingPathComponent("ruleset.yaml"), atomically: true, encoding: .utf8)
    try "tactics:\n  - {id: offplatform, describe: chat apps}\n".write(to: folder.appendingPathComponent("tactics.yaml"), atomically: true, encoding: .utf8)
    try rules.write(to: folder.appendingPathComponent("rules/x.yaml"), atomically: true, encoding: .utf8)
    return folder
}

func jsonObject(_ line: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
}

func temporaryFile(_ contents: Data, suffix: String = ".jsonl") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("redflag-\(UUID().uuidString)\(suffix)")
    try contents.write(to: url)
    return url
}

let frenchTaskScam = "Bonjour ! Travail simple depuis chez vous : aimez des vidéos et gagnez 150 € par jour. Pour débloquer la mission suivante, rechargez 350 USDT sur votre compte, puis écrivez à notre mentor sur Telegram @mentor_julie."

@Suite(.serialized) struct CheckCommandTests {
    @Test func frenchTaskScamIsScamWithOffsetsIntoTheInput() throws {
        let run = try redflag(["check", "--json", frenchTaskScam])
        #expect(run.status == 0)
        let object = try jsonObject(run.stdout)
        #expect(object["label"] as? String == "scam")
        let evidence = try #require(object["evidence"] as? [[String: Any]])
        #expect(!evidence.isEmpty)
        let bytes = Array(frenchTaskScam.utf8)
        let scalars = Array(frenchTaskScam.unicodeScalars)
        for item in evidence {
            let text = try #require(item["text"] as? String)
            let start = try #require(item["start"] as? Int), end = try #require(item["end"] as? Int)
            let charStart = try #require(item["char_start"] as? Int), charEnd = try #require(item["char_end"] as? Int)
            #expect(String(decoding: bytes[start..<end], as: UTF8.self) == text)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[charStart..<charEnd])
            #expect(String(view) == text)
        }
        #expect(evidence.contains { ($0["text"] as? String)?.contains("rechargez") == true })
    }

    @Test func legitTextExitsOne() throws {
        let run = try redflag(["check", "The library opens at nine on Saturdays."])
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("LEGIT"))
    }

    @Test func plainOutputMarksTheMatchedWords() throws {
        let run = try redflag(["check", "This is a wiring test of our moderation pipeline: REDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST ok"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("SCAM"))
        #expect(run.stdout.contains("moderation pipeline: [[REDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST]]{1} ok"))
        #expect(run.stdout.contains("[1] CANARY_REDFLAG_TEST  canary  +100"))
        #expect(!run.stdout.contains("\u{1B}["))
    }

    @Test func colourIsUsedWhenAsked() throws {
        let run = try redflag(["check", "--color", "REDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST"])
        #expect(run.stdout.contains("\u{1B}[1;4;31mREDFLAG-CANARY"))
    }

    @Test func readsStandardInputAndFiles() throws {
        let fromStdin = try redflag(["check", "--json", "-"], input: Data(frenchTaskScam.utf8))
        #expect(try jsonObject(fromStdin.stdout)["label"] as? String == "scam")
        let file = try temporaryFile(Data(frenchTaskScam.utf8), suffix: ".txt")
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try redflag(["check", "--json", "--file", file.path])
        #expect(try jsonObject(fromFile.stdout)["label"] as? String == "scam")
    }

    @Test func errorsExitTwo() throws {
        let missing = try redflag(["check", "--file", "/nonexistent/message.txt"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/message.txt"))
        let badOption = try redflag(["check", "--no-such-option", "x"])
        #expect(badOption.status == 2)
        let badUTF8 = try redflag(["check", "-"], input: Data([0x61, 0xFF, 0x62]))
        #expect(badUTF8.status == 2)
        #expect(badUTF8.stderr.contains("UTF-8"))
    }

    @Test func thresholdsCanBeOverridden() throws {
        let run = try redflag(["check", "--json", "--threshold-suspicious", "0.001", "--threshold-scam", "0.002", "hello"])
        #expect(try jsonObject(run.stdout)["label"] as? String == "scam")
        #expect(run.status == 0)
        let inverted = try redflag(["check", "--threshold-suspicious", "0.9", "--threshold-scam", "0.5", "hello"])
        #expect(inverted.status == 2)
    }

    @Test func checkMistakesAreReportedAsTheFullCommandLine() throws {
        // `check` is parsed by its own type first (quicker start); what that cannot parse goes to the full parser.
        for arguments in [["check", "--frobnicate", "x"], ["check", "a", "--file", "b"]] {
            let run = try redflag(arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stderr.contains("Usage: redflag check"), "\(arguments)")
        }
        let help = try redflag(["check", "--help"])
        #expect(help.stdout.contains("USAGE: redflag check"))
        let version = try redflag(["check", "--version"])
        #expect(version.status == 0 && version.stdout.first?.isNumber == true)
    }

    @Test func helpShowsExamples() throws {
        for command in [["--help"], ["check", "--help"], ["scan", "--help"], ["rules", "list", "--help"], ["rules", "lint", "--help"], ["rules", "test", "--help"]] {
            let run = try redflag(command)
            #expect(run.status == 0, "\(command)")
            #expect(run.stdout.contains("Examples:"), "\(command)")
        }
    }
}

@Suite(.serialized) struct ScanCommandTests {
    @Test func tenThousandRecordsComeBackInOrder() throws {
        var input = ""
        for index in 0..<10_000 {
            let text = index % 3 == 0 ? frenchTaskScam : "Ordinary message number \(index) about the weekly team meeting."
            input += #"{"id": "rec-\#(index)", "text": \#(String(decoding: try JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self))}"# + "\n"
        }
        let file = try temporaryFile(Data(input.utf8))
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try redflag(["scan", file.path])
        #expect(run.status == 0)
        let lines = run.lines
        #expect(lines.count == 10_000)
        for (index, line) in lines.enumerated() where index % 997 == 0 || index < 3 {
            let object = try jsonObject(line)
            #expect(object["id"] as? String == "rec-\(index)")
            #expect(object["label"] as? String == (index % 3 == 0 ? "scam" : "legit"))
        }
        #expect(lines.map { $0.hasPrefix(#"{"id":"rec-"#) }.allSatisfy { $0 })
        #expect(run.stderr.contains("10000 records"))
    }

    @Test func brokenLinesBecomeErrorRecordsAndNothingIsLost() throws {
        var input = Data()
        input.append(contentsOf: [0xEF, 0xBB, 0xBF])
        input.append(Data(#"{"id": 1, "text": "pay the starter kit fee"}"# .utf8 + [0x0D, 0x0A]))
        input.append(Data("not json\n".utf8))
        input.append(Data("\n".utf8))
        input.append(Data(#"{"id": 4, "text": "caf"#.utf8 + [0xFF] + #""}"#.utf8 + [0x0A]))
        input.append(Data(#"{"id": 5, "body": "no text field"}"#.utf8 + [0x0A]))
        input.append(Data(#"{"id": 6, "text": "last line without newline"}"#.utf8))
        let run = try redflag(["scan", "-"], input: input)
        #expect(run.status == 1)
        let records = try run.lines.map(jsonObject)
        #expect(records.count == 6)
        #expect(records[0]["label"] != nil)
        let codes = records.compactMap { ($0["error"] as? [String: Any])?["code"] as? String }
        #expect(codes == ["invalid_json", "empty_line", "invalid_utf8", "missing_field"])
        let lines = records.compactMap { ($0["error"] as? [String: Any])?["line"] as? Int }
        #expect(lines == [2, 3, 4, 5])
        #expect(records[4]["id"] as? Int == 5)
        #expect(records[5]["id"] as? Int == 6)
        #expect(run.stderr.contains("6 records"))
        #expect(run.stderr.contains("4 errors"))
    }

    @Test func manyThreadsGiveTheOutputOfOneInTheSameOrder() throws {
        var input = Data()
        for index in 0..<2_000 {
            switch index % 7 {
            case 0: input.append(Data("broken line \(index)\n".utf8))
            case 1: input.append(Data(#"{"id": \#(index), "text": "caf"#.utf8 + [0xFF] + #""}"#.utf8 + [0x0A]))
            case 2: input.append(Data(#"{"id": \#(index), "text": \#(try jsonString(frenchTaskScam))}"#.utf8 + [0x0A]))
            case 3: input.append(Data("\n".utf8))
            default: input.append(Data(#"{"id": \#(index), "text": "Message \#(index): pay the starter kit fee on telegram"}"#.utf8 + [0x0A]))
            }
        }
        let file = try temporaryFile(input)
        defer { try? FileManager.default.removeItem(at: file) }
        let one = try redflag(["scan", "--threads", "1", file.path])
        let four = try redflag(["scan", "--threads", "4", file.path])
        #expect(one.status == 1 && four.status == 1)
        #expect(one.lines.count == 2_000)
        #expect(four.stdout == one.stdout)
        let ids = try four.lines.map { try jsonObject($0)["id"] as? Int }
        #expect(ids[2] == 2 && ids[1_999] == 1_999)
        let failFast = try redflag(["scan", "--threads", "4", "--fail-fast", file.path])
        #expect(failFast.lines.count == 1)
    }

    @Test func failFastStopsAtTheFirstError() throws {
        let input = Data("{\"text\": \"a\"}\nbroken\n{\"text\": \"b\"}\n".utf8)
        let run = try redflag(["scan", "--fail-fast", "-"], input: input)
        #expect(run.status == 1)
        #expect(run.lines.count == 2)
        #expect(run.stderr.contains("fail-fast"))
    }

    @Test func customFieldsAndPlainLines() throws {
        let json = try redflag(["scan", "--field", "body", "--id-field", "key", "-"], input: Data(#"{"key": "k1", "body": "hello"}"#.utf8))
        #expect(try jsonObject(json.stdout)["id"] as? String == "k1")
        let plain = try redflag(["scan", "--lines", "-q", "-"], input: Data("first\n\nREDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST\n".utf8))
        let records = try plain.lines.map(jsonObject)
        #expect(records.map { $0["id"] as? Int } == [1, 2, 3])
        #expect(records.map { $0["label"] as? String } == ["legit", "legit", "scam"])
        #expect(plain.stderr.isEmpty)
    }

    @Test func missingFileExitsTwo() throws {
        let run = try redflag(["scan", "/nonexistent/input.jsonl"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("cannot open /nonexistent/input.jsonl"))
    }
}

@Suite(.serialized) struct RulesCommandTests {
    func patternSet(rules: String) throws -> URL { try makePatternSet(rules: rules) }

    @Test func listShowsEveryRuleOfTheDefaultSet() throws {
        let run = try redflag(["rules", "list", "--json"])
        #expect(run.status == 0)
        let rules = try run.lines.map(jsonObject)
        #expect(rules.count >= 40)
        #expect(rules.allSatisfy { $0["id"] is String && $0["languages"] is [String] && $0["describe"] is String && $0["weight"] != nil })
        // A rule with `unless` names its blockers; others have no such key.
        let warning = try #require(rules.first { $0["id"] as? String == "LEGIT_WARNING_ZH" })
        let blockers = try #require(warning["unless"] as? [String])
        #expect(blockers.contains("__CHAT_HANDLE"))
        let ids = Set(rules.compactMap { $0["id"] as? String })
        #expect(rules.compactMap { $0["unless"] as? [String] }.joined().allSatisfy(ids.contains))
        #expect(rules.first { $0["id"] as? String == "CANARY_REDFLAG_TEST" }?["unless"] == nil)
        let text = try redflag(["rules", "list"])
        #expect(text.stdout.contains("CANARY_REDFLAG_TEST  canary  [any]  +100.00"))
    }

    @Test func testAndLintPassOnTheDefaultSet() throws {
        let test = try redflag(["rules", "test"])
        #expect(test.status == 0, "\(test.stdout)")
        #expect(test.stdout.contains(" 0 failed"))
        let lint = try redflag(["rules", "lint"])
        #expect(lint.status == 0)
    }

    @Test func brokenSetReportsEveryErrorWithPlaces() throws {
        let folder = try patternSet(rules: """
            rules:
              - id: BAD_REGEX
                tactic: offplatform
                weight: 1
                languages: [en]
                describe: x
                pattern: 'a(b'
                match: [a]
                nomatch: [b]
              - id: BAD_TACTIC
                tactic: nope
                weight: 1
                languages: [en]
                describe: x
                pattern: 'a'
                match: [a]
                nomatch: [b]
            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let check = try redflag(["check", "--patterns", folder.path, "hello"])
        #expect(check.status == 2)
        #expect(check.stderr.contains("rules/x.yaml:7:14: error[RF007]: pattern does not compile: missing closing parenthesis"))
        #expect(check.stderr.contains("rules/x.yaml:11:13: error[RF006]: tactic 'nope' is not in tactics.yaml (rule BAD_TACTIC)"))
        #expect(check.stderr.contains("2 errors"))
        let lint = try redflag(["rules", "lint", "--patterns", folder.path])
        #expect(lint.status == 1)
    }

    @Test func failingExamplesExitOne() throws {
        let folder = try patternSet(rules: """
            rules:
              - id: OFF_TELEGRAM
                tactic: offplatform
                weight: 1
                languages: [en]
                describe: Names Telegram
                pattern: 'telegram'
                match: ["signal only"]
                nomatch: ["nothing"]
            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try redflag(["rules", "test", "--patterns", folder.path])
        #expect(run.status == 1)
        #expect(run.stdout.contains("rules/x.yaml:8:13: error[RF201]"))
        #expect(run.stdout.contains("(rule OFF_TELEGRAM)"))
        #expect(run.stdout.contains("examples: 1 passed, 1 failed"))
        let lint = try redflag(["rules", "lint", "--strict", "--patterns", folder.path])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("RF103"))
    }
}

@Suite struct LibraryExampleTests {
    @Test func theDocumentedExampleRuns() throws {
        let binary = redflagBinary.deletingLastPathComponent().appendingPathComponent("redflag-example")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["Recharge 100 USDT to unlock the next set of tasks, then message me on Telegram. REDFLAG-CANARY-7F3A9C2E-RECRUITMENT-SCAM-TEST"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("scam (probability"))
        #expect(text.contains("- CANARY_REDFLAG_TEST [canary, 100.0]"))
        #expect(text.contains(#"{"id":"example","label":"scam""#))
    }
}

/// Issue 7: a dirty 100,000-line input, 10% of it broken in different ways, loses no record.
@Suite(.serialized) struct NoRecordLostTests {
    @Test func everyLineOfADirtyFileYieldsOneRecord() throws {
        var input = Data()
        var expectedErrors: [Int: String] = [:]
        let total = 100_000
        for line in 1...total {
            var record: Data
            switch line % 100 {
            case 1 where line == 1:
                record = Data([0xEF, 0xBB, 0xBF]) + Data(#"{"id": 1, "text": "BOM first"}"#.utf8)
            case 7: record = Data(#"{"id": \#(line), "text": "caf"#.utf8) + Data([0xC3, 0x28]) + Data(#""}"#.utf8); expectedErrors[line] = "invalid_utf8"
            case 17: record = Data(#"{"id": \#(line), "text": "truncat"#.utf8); expectedErrors[line] = "invalid_json"
            case 27: record = Data(#"{"id": \#(line), "text": ["not", "a", "string"]}"#.utf8); expectedErrors[line] = "wrong_type"
            case 37: record = Data(#"{"id": \#(line), "body": "no text field"}"#.utf8); expectedErrors[line] = "missing_field"
            case 47: record = Data(); expectedErrors[line] = "empty_line"
            case 57: record = Data(#"{"id": \#(line), "text": "nul "#.utf8) + Data([0]) + Data(#" byte"}"#.utf8); expectedErrors[line] = "invalid_json"
            case 67: record = Data("[\(line)]".utf8); expectedErrors[line] = "not_an_object"
            case 77: record = Data(#"{"id": \#(line), "text": "crlf line"}"#.utf8) + Data([0x0D])
            case 87: record = Data("\(line)".utf8); expectedErrors[line] = "not_an_object"
            case 97: record = Data(#"{"id": \#(line), "text": null}"#.utf8); expectedErrors[line] = "missing_field"
            case 98: record = Data(#"{"id": \#(line)"#.utf8); expectedErrors[line] = "invalid_json"
            default: record = Data(#"{"id": \#(line), "text": "ok \#(line)"}"#.utf8)
            }
            if line == 50_000 {
                record = Data(#"{"id": 50000, "text": ""#.utf8) + Data(repeating: UInt8(ascii: "a"), count: 10_000_000) + Data(#" telegram"}"#.utf8)
            }
            if line == total {
                // A 50 MB last line without a newline.
                record = Data(#"{"id": \#(total), "text": ""#.utf8) + Data(repeating: UInt8(ascii: "b"), count: 50_000_000) + Data(#""}"#.utf8)
            }
            input.append(record)
            if line < total { input.append(UInt8(ascii: "\n")) }
        }
        let file = try temporaryFile(input)
        // One rule: this test is about accounting for records, not about the rules.
        let patterns = try makePatternSet(rules: """
            rules:
              - id: OFF_TELEGRAM
                tactic: offplatform
                weight: 1
                languages: [any]
                describe: Names Telegram
                pattern: 'telegram'
                match: ["telegram"]
                nomatch: ["signal"]
            """)
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: patterns)
        }
        let run = try redflag(["scan", "--patterns", patterns.path, "--time-budget", "1", file.path])
        #expect(run.status == 1)  // some records failed
        let lines = run.lines
        #expect(lines.count == total)
        var errors: [Int: String] = [:]
        for (index, line) in lines.enumerated() {
            let object = try jsonObject(line)
            if let error = object["error"] as? [String: Any] {
                #expect(error["line"] as? Int == index + 1)
                errors[index + 1] = error["code"] as? String
            } else {
                #expect(object["id"] as? Int == index + 1, "record \(index + 1) out of order")
            }
        }
        #expect(errors == expectedErrors)
        let huge = try jsonObject(lines[49_999])
        #expect((huge["warnings"] as? [[String: Any]])?.contains { $0["code"] as? String == "truncated" } == true)
        #expect(run.stderr.contains("\(total) records"))
        #expect(run.stderr.contains("\(expectedErrors.count) errors"))
    }
}

@Suite(.serialized) struct RunawayPatternTests {
    @Test func lintRefusesCatastrophicPatternsAndScansStayBounded() throws {
        let folder = try makePatternSet(rules: """
            rules:
              - id: NESTED
                tactic: offplatform
                weight: 1
                languages: [any]
                describe: nested quantifier
                pattern: '(a+)+$'
                view: raw
                match: ["aaa"]
                nomatch: ["b"]
              - id: REPEATED_GAP
                tactic: offplatform
                weight: 1
                languages: [any]
                describe: repeated unbounded gap
                pattern: '(.*a){20}'
                view: raw
                match: ["aaaaaaaaaaaaaaaaaaaa"]
                nomatch: ["b"]
            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let lint = try redflag(["rules", "lint", "--patterns", folder.path])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("warning[RF101]"))
        #expect(lint.stdout.contains("(rule NESTED)"))
        #expect(lint.stdout.contains("(rule REPEATED_GAP)"))
        #expect(lint.stdout.contains("refused: 2 patterns"))
        // At run time the same rules are bounded: skipped for the text with a warning, and the scan goes on.
        let adversarial = String(repeating: "a", count: 30) + "!"
        let check = try redflag(["check", "--json", "--patterns", folder.path, adversarial])
        let object = try jsonObject(check.stdout)
        let warnings = try #require(object["warnings"] as? [[String: Any]])
        #expect(warnings.contains { $0["code"] as? String == "match_limit" && $0["rule"] as? String == "NESTED" })
    }
}

/// `text` as a JSON string literal.
private func jsonString(_ text: String) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed]), as: UTF8.self)
}
