import ArgumentParser
import Foundation
import RedFlag

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check one message or advert and explain the verdict.",
        discussion: """
            Prints the verdict, the probability, the tactics, and the text with the words that gave it away
            marked (in colour on a terminal, as [[words]]{n} otherwise), each explained below it.

            Examples:
              redflag check "Work from home, 300 USD a day, add me on Telegram @hr_anna"
              redflag check --file message.txt
              pbpaste | redflag check -
              redflag check --json "Rechargez 350 USDT sur Telegram"

            Exit codes: 0 scam or suspicious, 1 legit, 2 error.
            """
    )

    @Argument(help: "The text to check, or - to read standard input. Without it, standard input is read.")
    var text: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Read the text from a file.", valueName: "FILE"))
    var file: String?

    @Flag(help: "Print the verdict as one JSON object (see docs/output.md).")
    var json = false

    @Flag(help: "Colour the output even when it is not a terminal.")
    var color = false

    @Flag(help: "Also print the folded and normalized views the rules read (for rule authors).")
    var views = false

    @OptionGroup var ruleSetOptions: RuleSetOptions
    @OptionGroup var classifyOptions: ClassifyOptions

    func validate() throws {
        if text != nil && file != nil { throw ValidationError("give the text or --file, not both") }
    }

    func run() throws {
        let input = try readInput()
        // The language models load on the other core while the rule set loads on this one.
        if classifyOptions.language == nil { LanguageIdentifier.preload() }
        let ruleSet = try ruleSetOptions.loadRuleSet(cached: true)
        let scanner = classifyOptions.scanner(ruleSet, singleText: true)
        let verdict = scanner.classify(input, language: classifyOptions.language)
        if json {
            print(verdict.json(id: .line(1)))
        } else {
            let useColor = color || isatty(STDOUT_FILENO) == 1
            print(TextReport(color: useColor).render(text: input, verdict: verdict))
        }
        if views {
            let (folded, normalized) = Normalizer().views(of: input)
            print("\nfolded view:     \(folded.text)\nnormalized view: \(normalized.text)")
        }
        // Exit here: tearing down the rule set's thousand rules would cost a one-text run a millisecond or two.
        fflush(nil)
        Foundation.exit(verdict.label == .legit ? 1 : 0)
    }

    private func readInput() throws -> String {
        let data: Data
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                StandardError.write("redflag: cannot read \(file)\n")
                throw ReportedFailure(code: 2)
            }
            data = contents
        } else if let text, text != "-" {
            return text
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        guard let decoded = String(data: data, encoding: .utf8) else {
            StandardError.write("redflag: \(file ?? "standard input") is not valid UTF-8\n")
            throw ReportedFailure(code: 2)
        }
        return decoded.hasSuffix("\n") && file == nil ? String(decoded.dropLast()) : decoded
    }
}
