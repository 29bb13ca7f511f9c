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
            var command = try parsedCheck() ?? parseAsRoot()
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

extension RedFlagCommand {
    /// `redflag check …` parsed by `CheckCommand` alone: a one-message check spends most of its time starting, and
    /// the full parser reflects on every subcommand first (3% of a `check`'s instructions). Help, and whatever this
    /// cannot parse (version, mistakes), goes to the full parser, so every message names `redflag check` as before.
    static func parsedCheck() -> ParsableCommand? {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.first == CheckCommand.configuration.commandName,
            !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0.hasPrefix("--generate-") || $0.hasPrefix("--experimental") })
        else { return nil }
        return try? CheckCommand.parseAsRoot(Array(arguments.dropFirst()))
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
