import Foundation

/// The moderator's view of a verdict: the label, the tactics, the text with the matched words marked, and
/// what each mark means.
public struct TextReport {
    /// Colour with ANSI escapes (for a terminal), or mark spans with `[[…]]{n}` (for files and pipes).
    public var color: Bool

    public init(color: Bool) { self.color = color }

    public func render(text: String, verdict: Verdict) -> String {
        var lines: [String] = []
        let label = verdict.label.rawValue.uppercased()
        let probability = String(format: "%.3f", verdict.probability)
        lines.append("\(paint(label, labelColor(verdict.label))) (probability \(probability), score \(String(format2: verdict.score)))")
        lines.append("tactics: \(verdict.tactics.isEmpty ? "none" : verdict.tactics.joined(separator: ", "))")
        let language = verdict.language
            ?? (verdict.candidateLanguages.isEmpty
                ? "unknown (every rule ran)"
                : "uncertain: one of \(verdict.candidateLanguages.joined(separator: ", ")) (their rules and the language-neutral ones ran)")
        lines.append("language: \(language)")
        lines.append("")
        lines.append(marked(text, verdict.evidence).trimmingCharacters(in: .whitespacesAndNewlines))
        if !verdict.evidence.isEmpty { lines.append("") }
        for (number, item) in verdict.evidence.enumerated() {
            let sign = item.weight >= 0 ? "+" : ""
            lines.append("[\(number + 1)] \(item.rule)  \(item.tactic)  \(sign)\(String(format2: item.weight))")
            lines.append("    \(item.describe)")
            if item.parts.isEmpty {
                lines.append("    \u{201C}\(item.text)\u{201D} at characters \(item.charStart)..<\(item.charEnd)")
            } else {
                lines.append("    combines: \(item.parts.joined(separator: ", "))")
            }
        }
        for warning in verdict.warnings {
            lines.append("warning[\(warning.code)]: \(warning.message)\(warning.rule.map { " (rule \($0))" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    /// The text with each run of overlapping pattern spans marked once, followed by the evidence numbers.
    private func marked(_ text: String, _ evidence: [Evidence]) -> String {
        var regions: [(start: Int, end: Int, numbers: [Int])] = []
        for (number, item) in evidence.enumerated() where item.parts.isEmpty && item.end > item.start {
            if var last = regions.last, item.start < last.end {
                last.end = max(last.end, item.end)
                last.numbers.append(number + 1)
                regions[regions.count - 1] = last
            } else {
                regions.append((item.start, item.end, [number + 1]))
            }
        }
        var output = ""
        var position = 0
        for region in regions {
            output += UTF8Offsets.slice(text, from: position, to: region.start)
            let words = UTF8Offsets.slice(text, from: region.start, to: region.end)
            let numbers = region.numbers.map(String.init).joined(separator: ",")
            output += color ? "\u{1B}[1;4;31m\(words)\u{1B}[0m\u{1B}[2m[\(numbers)]\u{1B}[0m" : "[[\(words)]]{\(numbers)}"
            position = region.end
        }
        output += UTF8Offsets.slice(text, from: position, to: text.utf8.count)
        return output
    }

    private func labelColor(_ label: Label) -> String {
        switch label {
        case .scam: return "1;31"
        case .suspicious: return "1;33"
        case .legit: return "1;32"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

extension String {
    /// A number with at most two decimals, without trailing zeros.
    init(format2 value: Double) {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() {
            self = String(Int(rounded))
        } else {
            self = String(rounded)
        }
    }
}
