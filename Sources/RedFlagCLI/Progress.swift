import Foundation

/// A progress line with count, rate and ETA on standard error, redrawn at most ten times a second — only when
/// standard error is a terminal and the command is not quiet.
final class Progress: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let enabled: Bool
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private let lock = NSLock()

    init(_ label: String, total: Int?, quiet: Bool) {
        self.label = label
        self.total = total
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Reports that `done` items are finished (callable from any thread).
    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.1 || done == total else { return }
        lastDrawn = now
        let seconds = max(now.timeIntervalSince(started), 1e-6)
        let rate = Double(done) / seconds
        var line = "\r\(label) \(done)"
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let filled = Int(fraction * 24)
            let remaining = rate > 0 ? Double(total - done) / rate : 0
            line += "/\(total) [" + String(repeating: "#", count: filled) + String(repeating: " ", count: 24 - filled) + "]"
            line += String(format: " %3.0f%% %.0f/s ETA %d:%02d", fraction * 100, rate, Int(remaining) / 60, Int(remaining) % 60)
        } else {
            line += String(format: " records %.0f/s", rate)
        }
        StandardError.write(line + "\u{1B}[K")
    }

    /// Clears the progress line.
    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        StandardError.write("\r\u{1B}[K")
    }
}
