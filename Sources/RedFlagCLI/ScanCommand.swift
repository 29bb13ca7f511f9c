import ArgumentParser
import Foundation
import RedFlag

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Classify many records: JSON Lines in, one JSON verdict per record out, in input order.",
        discussion: """
            Every input line yields exactly one output line: a verdict, or an error record naming the line
            and the reason (invalid JSON, invalid UTF-8, missing text field, empty line). A summary goes to
            standard error.

            Examples:
              redflag scan postings.jsonl > verdicts.jsonl
              redflag scan --field body --id-field post_id - < postings.jsonl
              redflag scan --lines messages.txt

            Exit codes: 0 every record classified, 1 some records were error records, 2 error.
            """
    )

    @Argument(help: "JSON Lines files to read, or - for standard input (the default).")
    var files: [String] = []

    @Option(help: ArgumentHelp("The field that holds the text.", valueName: "NAME"))
    var field = "text"

    @Option(help: ArgumentHelp("The field that holds the record id (default: the line number).", valueName: "NAME"))
    var idField = "id"

    @Flag(help: "Read one plain text per line instead of JSON Lines; the id is the line number.")
    var lines = false

    @Flag(help: "Stop at the first record that cannot be classified.")
    var failFast = false

    @Option(help: ArgumentHelp("Threads that classify (default: every core). Output stays in input order.", valueName: "N"))
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .shortAndLong, help: "Do not print the summary or the progress line on standard error.")
    var quiet = false

    @OptionGroup var ruleSetOptions: RuleSetOptions
    @OptionGroup var classifyOptions: ClassifyOptions

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        let ruleSet = try ruleSetOptions.loadRuleSet(cached: true)
        let format: RecordFormat = lines ? .plainLines : .jsonLines(textField: field, idField: idField)
        let options = classifyOptions
        let language = options.language
        let pipeline = ParallelClassifier(threads: threads) {
            BatchClassifier(scanner: options.scanner(ruleSet), format: format, language: language)
        }
        let output = BufferedOutput()
        var summary = BatchSummary()
        let started = Date()
        let progress = Progress("redflag scan", total: nil, quiet: quiet)
        defer { progress.finish() }
        for path in files.isEmpty ? ["-"] : files {
            guard let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path) else {
                output.flush()
                StandardError.write("redflag: cannot open \(path)\n")
                throw ReportedFailure(code: 2)
            }
            var reader = LineReader(handle: handle)
            var stopped = false
            try pipeline.run(
                next: { try reader.next().map { ($0, reader.lineNumber) } },
                emit: { record in
                    output.write(record.json)
                    summary.add(record.outcome, bytes: record.bytes)
                    progress.update(summary.records)
                    if failFast, case .failed = record.outcome {
                        stopped = true
                        return false
                    }
                    return true
                })
            if stopped {
                output.flush()
                report(summary, since: started, stopped: true)
                throw ExitCode(1)
            }
        }
        output.flush()
        report(summary, since: started, stopped: false)
        throw ExitCode(summary.errors > 0 ? 1 : 0)
    }

    private func report(_ summary: BatchSummary, since started: Date, stopped: Bool) {
        guard !quiet else { return }
        let seconds = max(Date().timeIntervalSince(started), 1e-9)
        let rate = Double(summary.bytes) / seconds / 1_000_000
        let stop = stopped ? " (stopped at the first error: --fail-fast)" : ""
        StandardError.write(
            "redflag scan: \(summary.description) in \(String(format: "%.2f", seconds)) s, \(String(format: "%.1f", rate)) MB/s\(stop)\n")
    }
}

/// Collects output lines and writes them to standard output in large blocks.
final class BufferedOutput {
    private var buffer: [UInt8] = []
    private let blockSize = 1 << 16

    init() { buffer.reserveCapacity(blockSize * 2) }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= blockSize { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
