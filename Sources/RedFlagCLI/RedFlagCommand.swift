import ArgumentParser
import Foundation
import RedFlag

@main
struct RedFlagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redflag",
        abstract: "Detect online-recruitment scams in job adverts and messages.",
        discussion: """
            Examples:
              redflag check "Recharge 100 USDT to unlock your next set of tasks, message me on Telegram"
              redflag check --file message.txt --json
              redflag scan postings.jsonl > verdicts.jsonl
              redflag rules test
              redflag serve --host 127.0.0.1 --port 8080

            Exit codes: check: 0 scam or suspicious, 1 legit, 2 error. scan: 0 every record classified,
            1 some records were error records, 2 error. rules lint/test: 0 clean, 1 problems found, 2 error.
            """,
        version: RedFlagVersion.current,
        subcommands: [CheckCommand.self, ScanCommand.self, EvalCommand.self, TrainCommand.self, RulesCommand.self, ServeCommand.self]
    )

    /// Runs the command; usage errors and failures exit with 2 (like grep), help and version with 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let failure as ReportedFailure {
            Foundation.exit(failure.code)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { StandardError.write(message + "\n") }
            Foundation.exit(2)
        }
    }
}

/// Writes to standard error without buffering.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A failure that has already been reported on standard error; exits with `code`.
struct ReportedFailure: Error {
    let code: Int32
}
