import Foundation

extension EvaluationReport {
    /// The report as plain-text tables for a terminal.
    public func text(maxRules: Int = 25) -> String {
        var out = ""
        func line(_ text: String = "") { out += text + "\n" }
        func f(_ value: Double, _ digits: Int = 3) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "-" }
        /// `text` right-aligned in `width` columns (negative: left-aligned).
        func pad(_ text: String, _ width: Int) -> String {
            let fill = String(repeating: " ", count: max(0, abs(width) - text.count))
            return width < 0 ? text + fill : fill + text
        }
        let scam = examples.filter(\.isScam).count
        line("redflag eval — \(n) texts (\(scam) scam, \(n - scam) legit)" + (provenance.split.map { ", split \($0)" } ?? ""))
        if !skippedLabels.isEmpty {
            line("skipped (other labels): " + skippedLabels.keys.sorted().map { "\($0) \(skippedLabels[$0]!)" }.joined(separator: ", "))
        }
        if failures > 0 { line("records that could not be read: \(failures)") }
        if let leaks = crossSplitNearDuplicates, leaks > 0 {
            line("warning: \(leaks) test texts have near-duplicates in dev")
        }
        line()
        line("at threshold \(f(confusion.threshold, 2)) (scam):  precision \(f(confusion.precision))  recall \(f(confusion.recall))  F1 \(f(confusion.f1))  FPR \(f(confusion.falsePositiveRate))")
        line("confusion: TP \(confusion.tp)  FP \(confusion.fp)  TN \(confusion.tn)  FN \(confusion.fn)")
        line("flagged (≥ \(f(flagged.threshold, 2)), scam or suspicious):  recall \(f(flagged.recall))  FPR \(f(flagged.falsePositiveRate))")
        line("ROC-AUC \(f(rocAUC))  PR-AUC (average precision) \(f(prAUC))  Brier \(f(brier))")
        line()
        line("threshold  precision  recall  F1     FPR")
        for point in sweep {
            line([pad(f(point.threshold, 2), 9), pad(f(point.precision), 9), pad(f(point.recall), 6), pad(f(point.f1), 5), pad(f(point.falsePositiveRate), 5)].joined(separator: "  "))
        }
        line()
        line("language  scam  legit  recall  FPR")
        for slice in languages {
            let c = slice.counts
            line([pad(slice.key, -8), pad("\(c.tp + c.fn)", 4), pad("\(c.fp + c.tn)", 5), pad(f(c.recall), 6), pad(f(c.falsePositiveRate), 5)].joined(separator: "  "))
        }
        line()
        line("tactic            tagged  recall  shown in scam  shown in legit")
        for row in tactics {
            let recall = row.tagged == 0 ? "-" : f(Double(row.taggedFlagged) / Double(row.tagged))
            line([pad(row.tactic, -16), pad("\(row.tagged)", 6), pad(recall, 6), pad("\(row.shownInScam)", 13), pad("\(row.shownInLegit)", 14)].joined(separator: "  "))
        }
        line()
        line("rule hits (\(rules.count) rules fired; the \(min(maxRules, rules.count)) most frequent)")
        line("  scam%  legit%     S/O  weight  rule")
        for row in rules.prefix(maxRules) {
            line([pad(f(row.scamShare * 100, 2), 7), pad(f(row.legitShare * 100, 2), 6), pad(f(row.ratio), 6), pad(f(row.weight, 2), 6), row.id].joined(separator: "  "))
        }
        if !slowestRules.isEmpty {
            line()
            line("slowest rules (seconds over the corpus, all threads)")
            for rule in slowestRules.prefix(10) { line(pad(f(rule.seconds, 4), 8) + "  " + rule.id) }
        }
        line()
        line("redflag \(provenance.version), rule set \(provenance.ruleSetName) \(provenance.ruleSetVersion) (\(provenance.ruleSetFingerprint))")
        line("weights \(provenance.weightsHash ?? "none (the rule set's own)"), corpus sha256 \(provenance.corpusHash)")
        line(String(format: "classified in %.1f s", seconds))
        return out
    }
}
