import Foundation

extension EvaluationReport {
    /// The report as one self-contained HTML page (no network): figures, tables and SVG plots of the PR and ROC
    /// curves, the score histograms per class, the reliability of the probabilities and the rules' hits.
    public func html() -> String {
        func f(_ value: Double, _ digits: Int = 3) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "–" }
        let scam = examples.filter(\.isScam).count
        var body = ""
        body += "<h1>redflag evaluation</h1>\n"
        body += "<p>\(n) texts: \(scam) scam, \(n - scam) legit" + (provenance.split.map { ", split <b>\(HTML.escape($0))</b>" } ?? "") + ".</p>\n"
        body += "<table class=figures><tr><th>threshold</th><th>precision</th><th>recall</th><th>F1</th><th>FPR</th><th>ROC-AUC</th><th>PR-AUC</th><th>Brier</th><th>TP</th><th>FP</th><th>TN</th><th>FN</th></tr>"
        body += "<tr>" + [f(confusion.threshold, 2), f(confusion.precision), f(confusion.recall), f(confusion.f1), f(confusion.falsePositiveRate), f(rocAUC), f(prAUC), f(brier), "\(confusion.tp)", "\(confusion.fp)", "\(confusion.tn)", "\(confusion.fn)"].map { "<td>\($0)</td>" }.joined() + "</tr></table>\n"
        body += "<div class=plots>\n"
        body += SVGPlot.curve(title: "Precision–recall curve", xLabel: "recall", yLabel: "precision", points: pr.map { ($0.x, $0.y) }, marker: (confusion.recall, confusion.precision))
        body += SVGPlot.curve(title: "ROC curve", xLabel: "false-positive rate", yLabel: "recall", points: roc.map { ($0.x, $0.y) }, marker: (confusion.falsePositiveRate, confusion.recall), diagonal: true)
        body += SVGPlot.histogram(title: "Probability by class", scam: histogram.scam, legit: histogram.legit, threshold: confusion.threshold)
        body += SVGPlot.curve(title: "Reliability", xLabel: "mean predicted probability", yLabel: "observed share of scams", points: reliability.map { ($0.meanProbability, $0.scamShare) }, marker: nil, diagonal: true, dots: true)
        body += SVGPlot.ruleBars(title: "Rule hits (% of scam and % of legit texts)", rows: rules.prefix(30).map { ($0.id, $0.scamShare, $0.legitShare) })
        body += "</div>\n"
        body += "<h2>Threshold sweep</h2><table><tr><th>threshold</th><th>precision</th><th>recall</th><th>F1</th><th>FPR</th></tr>"
        for point in sweep {
            body += "<tr><td>\(f(point.threshold, 2))</td><td>\(f(point.precision))</td><td>\(f(point.recall))</td><td>\(f(point.f1))</td><td>\(f(point.falsePositiveRate))</td></tr>"
        }
        body += "</table>\n<h2>By language</h2><table><tr><th>language</th><th>scam</th><th>legit</th><th>recall</th><th>FPR</th></tr>"
        for slice in languages {
            let c = slice.counts
            body += "<tr><td>\(HTML.escape(slice.key))</td><td>\(c.tp + c.fn)</td><td>\(c.fp + c.tn)</td><td>\(f(c.recall))</td><td>\(f(c.falsePositiveRate))</td></tr>"
        }
        body += "</table>\n<h2>By tactic</h2><table><tr><th>tactic</th><th>tagged scam texts</th><th>recall</th><th>shown in scam</th><th>shown in legit</th></tr>"
        for row in tactics {
            body += "<tr><td>\(HTML.escape(row.tactic))</td><td>\(row.tagged)</td><td>\(row.tagged == 0 ? "–" : f(Double(row.taggedFlagged) / Double(row.tagged)))</td><td>\(row.shownInScam)</td><td>\(row.shownInLegit)</td></tr>"
        }
        body += "</table>\n<h2>Rule hits</h2><table><tr><th>rule</th><th>tactic</th><th>weight</th><th>scam %</th><th>legit %</th><th>S/O</th></tr>"
        for row in rules {
            body += "<tr><td>\(HTML.escape(row.id))</td><td>\(HTML.escape(row.tactic))</td><td>\(f(row.weight, 2))</td><td>\(f(row.scamShare * 100, 2))</td><td>\(f(row.legitShare * 100, 2))</td><td>\(f(row.ratio))</td></tr>"
        }
        body += "</table>\n"
        if !slowestRules.isEmpty {
            body += "<h2>Slowest rules</h2><table><tr><th>rule</th><th>seconds</th></tr>"
            for rule in slowestRules { body += "<tr><td>\(HTML.escape(rule.id))</td><td>\(f(rule.seconds, 4))</td></tr>" }
            body += "</table>\n"
        }
        body += "<h2>Provenance</h2><table>"
        let rows: [(String, String)] = [
            ("redflag", provenance.version),
            ("rule set", "\(provenance.ruleSetName) \(provenance.ruleSetVersion) (\(provenance.ruleSetFingerprint))"),
            ("weights sha256", provenance.weightsHash ?? "none (the rule set's own weights)"),
            ("corpus sha256", provenance.corpusHash),
        ] + provenance.sources.map { ("file", "\($0.path) sha256 \($0.sha256)") } + [("date", provenance.date)]
        for (key, value) in rows { body += "<tr><th>\(key)</th><td><code>\(HTML.escape(value))</code></td></tr>" }
        body += "</table>\n"
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>redflag evaluation</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
            td:first-child,th:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:16px}
            svg{background:#fff;border:1px solid #ddd}svg text{font:11px sans-serif}
            </style></head>
            <body>
            \(body)<script>
            // Marks the page with the number of plots the browser laid out with a size, for the render test.
            document.body.dataset.renderedPlots = Array.from(document.querySelectorAll('svg.plot'))
              .filter(s => { const b = s.getBBox(); return b.width > 0 && b.height > 0 && s.querySelector('path,rect') }).length;
            </script>
            </body></html>

            """
    }
}

/// Small SVG plots for the HTML report.
enum SVGPlot {
    static let width = 360.0, height = 280.0, left = 50.0, bottom = 40.0, top = 30.0, right = 15.0

    static func frame(title: String, xLabel: String, yLabel: String, content: String) -> String {
        var axes = ""
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = sx(tick), y = sy(tick)
            axes += "<line x1='\(x)' y1='\(sy(0))' x2='\(x)' y2='\(sy(0) + 4)' stroke='#444'/><text x='\(x)' y='\(sy(0) + 16)' text-anchor='middle'>\(tick)</text>"
            axes += "<line x1='\(left - 4)' y1='\(y)' x2='\(left)' y2='\(y)' stroke='#444'/><text x='\(left - 6)' y='\(y + 4)' text-anchor='end'>\(tick)</text>"
        }
        return """
            <svg class="plot" xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-label="\(HTML.escape(title))">
            <text x="\(width / 2)" y="18" text-anchor="middle" font-weight="bold">\(HTML.escape(title))</text>
            <rect x="\(left)" y="\(top)" width="\(width - left - right)" height="\(height - top - bottom)" fill="none" stroke="#888"/>
            \(axes)<text x="\(left + (width - left - right) / 2)" y="\(height - 6)" text-anchor="middle">\(HTML.escape(xLabel))</text>
            <text transform="translate(12,\(top + (height - top - bottom) / 2)) rotate(-90)" text-anchor="middle">\(HTML.escape(yLabel))</text>
            \(content)</svg>

            """
    }

    static func sx(_ x: Double) -> Double { ((left + x * (width - left - right)) * 10).rounded() / 10 }
    static func sy(_ y: Double) -> Double { ((height - bottom - y * (height - top - bottom)) * 10).rounded() / 10 }

    static func curve(
        title: String, xLabel: String, yLabel: String, points: [(Double, Double)], marker: (Double, Double)?,
        diagonal: Bool = false, dots: Bool = false
    ) -> String {
        var content = ""
        if diagonal { content += "<path d='M\(sx(0)),\(sy(0)) L\(sx(1)),\(sy(1))' stroke='#bbb' stroke-dasharray='4 3' fill='none'/>" }
        if !points.isEmpty {
            let path = points.enumerated().map { "\($0 == 0 ? "M" : "L")\(sx($1.0)),\(sy($1.1))" }.joined(separator: " ")
            content += "<path d='\(path)' stroke='#c0392b' stroke-width='2' fill='none'/>"
            if dots { content += points.map { "<circle cx='\(sx($0.0))' cy='\(sy($0.1))' r='3' fill='#c0392b'/>" }.joined() }
        } else {
            content += "<text x='\(width / 2)' y='\(height / 2)' text-anchor='middle'>needs both classes</text>"
        }
        if let (x, y) = marker, x.isFinite, y.isFinite {
            content += "<circle cx='\(sx(x))' cy='\(sy(y))' r='5' fill='none' stroke='#2c3e50' stroke-width='2'><title>chosen threshold</title></circle>"
        }
        return frame(title: title, xLabel: xLabel, yLabel: yLabel, content: content)
    }

    static func histogram(title: String, scam: [Int], legit: [Int], threshold: Double) -> String {
        let peak = Double(max(1, (scam + legit).max() ?? 1))
        let bins = Double(scam.count), barWidth = (width - left - right) / bins / 2
        var content = ""
        for index in scam.indices {
            let x = sx(Double(index) / bins)
            for (offset, count, color) in [(0.0, legit[index], "#2e86c1"), (barWidth, scam[index], "#c0392b")] where count > 0 {
                let h = Double(count) / peak * (height - top - bottom)
                content += "<rect x='\(x + offset)' y='\(sy(0) - h)' width='\(barWidth)' height='\(h)' fill='\(color)'><title>\(count)</title></rect>"
            }
        }
        if threshold.isFinite {
            content += "<path d='M\(sx(threshold)),\(sy(0)) L\(sx(threshold)),\(sy(1))' stroke='#2c3e50' stroke-dasharray='3 3'/>"
        }
        content += "<rect x='\(width - 110)' y='36' width='10' height='10' fill='#c0392b'/><text x='\(width - 96)' y='45'>scam</text>"
        content += "<rect x='\(width - 110)' y='52' width='10' height='10' fill='#2e86c1'/><text x='\(width - 96)' y='61'>legit</text>"
        return frame(title: title, xLabel: "probability (count, scaled to the tallest bar)", yLabel: "texts", content: content)
    }

    static func ruleBars(title: String, rows: [(id: String, scam: Double, legit: Double)]) -> String {
        let rowHeight = 16.0, labelWidth = 250.0, barArea = 300.0
        let h = top + Double(max(rows.count, 1)) * rowHeight + 20
        var content = "<text x='\((labelWidth + barArea) / 2)' y='18' text-anchor='middle' font-weight='bold'>\(HTML.escape(title))</text>"
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            content += "<text x='\(labelWidth - 6)' y='\(y + 11)' text-anchor='end'>\(HTML.escape(row.id))</text>"
            content += "<rect x='\(labelWidth)' y='\(y + 1)' width='\(max(0.5, row.scam * barArea))' height='6' fill='#c0392b'><title>scam \(String(format: "%.1f", row.scam * 100))%</title></rect>"
            content += "<rect x='\(labelWidth)' y='\(y + 8)' width='\(max(0.5, row.legit * barArea))' height='6' fill='#2e86c1'><title>legit \(String(format: "%.1f", row.legit * 100))%</title></rect>"
        }
        if rows.isEmpty { content += "<text x='20' y='\(top + 12)'>no rule fired</text><rect x='0' y='0' width='1' height='1' fill='none'/>" }
        return """
            <svg class="plot" xmlns="http://www.w3.org/2000/svg" width="\(Int(labelWidth + barArea + 20))" height="\(Int(h))" role="img" aria-label="\(HTML.escape(title))">\(content)</svg>

            """
    }
}

/// Escaping for text placed in HTML or XML.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        // Scalar by scalar: a combining mark after '<' would otherwise hide it inside another character.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
