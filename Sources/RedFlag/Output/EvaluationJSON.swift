extension EvaluationReport {
    /// The report as one JSON object (documented in docs/output.md, "Evaluation report"), with a newline.
    public func json() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.key("n"); json.int(n)
        json.key("threshold"); json.number(confusion.threshold)
        json.key("precision"); json.number(confusion.precision)
        json.key("recall"); json.number(confusion.recall)
        json.key("f1"); json.number(confusion.f1)
        json.key("fpr"); json.number(confusion.falsePositiveRate)
        json.key("roc_auc"); json.number(rocAUC)
        json.key("pr_auc"); json.number(prAUC)
        json.key("brier"); json.number(brier)
        json.key("confusion"); Self.write(counts: confusion, to: &json)
        json.key("flagged")
        json.beginObject()
        json.key("threshold"); json.number(flagged.threshold)
        json.key("precision"); json.number(flagged.precision)
        json.key("recall"); json.number(flagged.recall)
        json.key("fpr"); json.number(flagged.falsePositiveRate)
        json.key("confusion"); Self.write(counts: flagged, to: &json)
        json.endObject()
        json.key("scam"); json.int(examples.filter(\.isScam).count)
        json.key("legit"); json.int(examples.filter { !$0.isScam }.count)
        json.key("skipped")
        json.beginObject()
        for label in skippedLabels.keys.sorted() { json.key(label); json.int(skippedLabels[label]!) }
        json.endObject()
        json.key("errors"); json.int(failures)
        if let leaks = crossSplitNearDuplicates { json.key("cross_split_near_duplicates"); json.int(leaks) }
        json.key("seconds"); json.number(seconds, digits: 3)

        json.key("sweep")
        json.beginArray()
        for point in sweep {
            json.beginObject()
            json.key("threshold"); json.number(point.threshold)
            json.key("precision"); json.number(point.precision)
            json.key("recall"); json.number(point.recall)
            json.key("f1"); json.number(point.f1)
            json.key("fpr"); json.number(point.falsePositiveRate)
            json.endObject()
        }
        json.endArray()
        json.key("roc"); Self.write(curve: roc, x: "fpr", y: "tpr", to: &json)
        json.key("pr"); Self.write(curve: pr, x: "recall", y: "precision", to: &json)
        json.key("reliability")
        json.beginArray()
        for bin in reliability {
            json.beginObject()
            json.key("lower"); json.number(bin.lower)
            json.key("upper"); json.number(bin.upper)
            json.key("n"); json.int(bin.count)
            json.key("mean_probability"); json.number(bin.meanProbability)
            json.key("scam_share"); json.number(bin.scamShare)
            json.endObject()
        }
        json.endArray()
        json.key("histogram")
        json.beginObject()
        json.key("scam"); json.beginArray(); histogram.scam.forEach { json.int($0) }; json.endArray()
        json.key("legit"); json.beginArray(); histogram.legit.forEach { json.int($0) }; json.endArray()
        json.endObject()
        json.key("languages")
        json.beginArray()
        for slice in languages {
            json.beginObject()
            json.key("language"); json.string(slice.key)
            json.key("scam"); json.int(slice.counts.tp + slice.counts.fn)
            json.key("legit"); json.int(slice.counts.fp + slice.counts.tn)
            json.key("recall"); json.number(slice.counts.recall)
            json.key("fpr"); json.number(slice.counts.falsePositiveRate)
            json.key("confusion"); Self.write(counts: slice.counts, to: &json)
            json.endObject()
        }
        json.endArray()
        json.key("tactics")
        json.beginArray()
        for row in tactics {
            json.beginObject()
            json.key("tactic"); json.string(row.tactic)
            json.key("tagged"); json.int(row.tagged)
            json.key("recall"); json.number(row.tagged == 0 ? .nan : Double(row.taggedFlagged) / Double(row.tagged))
            json.key("shown_in_scam"); json.int(row.shownInScam)
            json.key("shown_in_legit"); json.int(row.shownInLegit)
            json.endObject()
        }
        json.endArray()
        json.key("rules")
        json.beginArray()
        for row in rules {
            json.beginObject()
            json.key("rule"); json.string(row.id)
            json.key("tactic"); json.string(row.tactic)
            json.key("weight"); json.number(row.weight)
            json.key("scam_hits"); json.int(row.scamHits)
            json.key("legit_hits"); json.int(row.legitHits)
            json.key("scam_pct"); json.number(row.scamShare * 100, digits: 2)
            json.key("legit_pct"); json.number(row.legitShare * 100, digits: 2)
            json.key("so"); json.number(row.ratio, digits: 3)
            json.endObject()
        }
        json.endArray()
        json.key("slowest_rules")
        json.beginArray()
        for rule in slowestRules {
            json.beginObject()
            json.key("rule"); json.string(rule.id)
            json.key("seconds"); json.number(rule.seconds, digits: 4)
            json.endObject()
        }
        json.endArray()
        json.key("provenance"); Self.write(provenance: provenance, to: &json)
        json.endObject()
        return json.output + "\n"
    }

    static func write(counts: Confusion, to json: inout JSONWriter) {
        json.beginObject()
        json.key("tp"); json.int(counts.tp)
        json.key("fp"); json.int(counts.fp)
        json.key("tn"); json.int(counts.tn)
        json.key("fn"); json.int(counts.fn)
        json.endObject()
    }

    static func write(curve: [CurvePoint], x: String, y: String, to json: inout JSONWriter) {
        json.beginArray()
        for point in curve {
            json.beginObject()
            json.key(x); json.number(point.x)
            json.key(y); json.number(point.y)
            json.key("threshold"); json.number(point.threshold)
            json.endObject()
        }
        json.endArray()
    }

    static func write(provenance: Provenance, to json: inout JSONWriter) {
        json.beginObject()
        json.key("redflag_version"); json.string(provenance.version)
        json.key("rule_set")
        json.beginObject()
        json.key("name"); json.string(provenance.ruleSetName)
        json.key("version"); json.string(provenance.ruleSetVersion)
        json.key("fingerprint"); json.string(provenance.ruleSetFingerprint)
        json.endObject()
        json.key("weights_sha256"); if let hash = provenance.weightsHash { json.string(hash) } else { json.null() }
        json.key("corpus_sha256"); json.string(provenance.corpusHash)
        json.key("sources")
        json.beginArray()
        for source in provenance.sources {
            json.beginObject()
            json.key("path"); json.string(source.path)
            json.key("sha256"); json.string(source.sha256)
            json.endObject()
        }
        json.endArray()
        json.key("split"); if let split = provenance.split { json.string(split) } else { json.null() }
        json.key("date"); json.string(provenance.date)
        json.endObject()
    }
}
