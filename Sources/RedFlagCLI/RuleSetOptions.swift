import ArgumentParser
import RedFlag

/// Options shared by the commands that load a rule set.
struct RuleSetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Load the pattern set in DIR instead of the embedded default.", valueName: "DIR"))
    var patterns: String?

    @Option(name: .long, help: ArgumentHelp("Probability at and above which a text is 'scam' (default: the set's).", valueName: "P"))
    var thresholdScam: Double?

    @Option(name: .long, help: ArgumentHelp("Probability at and above which a text is 'suspicious' (default: the set's).", valueName: "P"))
    var thresholdSuspicious: Double?

    @Option(name: .long, help: ArgumentHelp("Score with learned weights (a file written by 'redflag train'): rule weights, bias, thresholds and lexical layer.", valueName: "FILE"))
    var weights: String?

    func validate() throws {
        for value in [thresholdScam, thresholdSuspicious].compactMap({ $0 }) where !(value > 0 && value < 1) {
            throw ValidationError("thresholds must be between 0 and 1, got \(value)")
        }
    }

    /// The rule set to use, with learned weights and threshold overrides; on errors, reports them and fails.
    /// `cached`: read it from (and save it to) the snapshot cache, for commands that only classify.
    func loadRuleSet(cached: Bool = false) throws -> RuleSet {
        try loadRuleSetAndWeights(cached: cached).ruleSet
    }

    /// The rule set to use and the SHA-256 of the weights applied to it (nil: the set's own weights).
    func loadRuleSetAndWeights(cached: Bool = false) throws -> (ruleSet: RuleSet, weightsHash: String?) {
        var ruleSet = try loadPatterns(cached: cached)
        var weightsHash: String?
        if let weights {
            do {
                let model = try ModelWeights.read(from: weights)
                if !model.ruleSetFingerprint.isEmpty && model.ruleSetFingerprint != ruleSet.fingerprint {
                    StandardError.write("redflag: warning: \(weights) was trained for rule set \(model.ruleSetFingerprint), this is \(ruleSet.fingerprint)\n")
                }
                ruleSet = try ruleSet.applying(model, path: weights)
                weightsHash = model.sha256
            } catch {
                StandardError.write("redflag: \(error)\n")
                throw ReportedFailure(code: 2)
            }
        }
        return (try withThresholdOverrides(ruleSet), weightsHash)
    }

    private func loadPatterns(cached: Bool) throws -> RuleSet {
        let files = patterns.map(PatternFiles.read(directory:)) ?? PatternFiles.embedded
        let cache = cached ? RuleSetCache.standard() : nil
        let loaded = Result { () throws(RuleSetError) in
            if let cache { try cache.load(files) } else { try RuleSet.load(files) }
        }
        guard case .success(let ruleSet) = loaded else {
            if case .failure(let error) = loaded { report(error) }
            throw ReportedFailure(code: 2)
        }
        return ruleSet
    }

    private func withThresholdOverrides(_ ruleSet: RuleSet) throws -> RuleSet {
        guard thresholdScam != nil || thresholdSuspicious != nil else { return ruleSet }
        let current = ruleSet.settings.thresholds
        let thresholds = Thresholds(
            suspicious: thresholdSuspicious ?? current.suspicious, scam: thresholdScam ?? current.scam)
        guard thresholds.suspicious <= thresholds.scam else {
            StandardError.write("redflag: the suspicious threshold (\(thresholds.suspicious)) is above the scam threshold (\(thresholds.scam))\n")
            throw ReportedFailure(code: 2)
        }
        return ruleSet.with(thresholds: thresholds)
    }
}

private func report(_ error: RuleSetError) {
    StandardError.write(error.description + "\n")
    let count = error.diagnostics.count
    StandardError.write("redflag: the pattern set has \(count) error\(count == 1 ? "" : "s")\n")
}

/// The options of commands that classify text.
struct ClassifyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds the rules may take on one text; rules not run when it is spent are reported in a time_budget warning.", valueName: "SECONDS"))
    var timeBudget: Double = 5

    @Option(name: .long, help: ArgumentHelp("Read at most this many bytes of a text; a longer text is classified on its start, with a truncated warning.", valueName: "BYTES"))
    var maxTextBytes: Int = 2_000_000

    @Option(name: .long, help: ArgumentHelp("How pattern rules are matched: hyperscan (a Hyperscan literal prefilter, then PCRE2 on the candidate rules) or pcre2 (the same with a literal search in Swift). Both give the same results. Default: hyperscan where available.", valueName: "ENGINE"))
    var engine: MatchEngine?

    @Option(name: .long, help: ArgumentHelp("The texts' ISO 639-1 language: run only the rules written for it and the language-neutral ones (default: identify each text's language; when it cannot be told, every rule runs).", valueName: "CODE"))
    var language: String?
}

extension ClassifyOptions {
    func validate() throws {
        if let engine, !engine.isAvailable {
            throw ValidationError("the \(engine) engine is not available in this build or on this CPU: use --engine pcre2")
        }
    }

    /// A scanner over `ruleSet` with these options. For one text (`check`) without `--engine`, the prefilter is
    /// the `pcre2` engine's literal table when the set's prefilter layout is known (read from a snapshot, or
    /// worked out to write one), and none otherwise (`REDFLAG_CACHE_DIR=off`): reading every pattern for its
    /// literals takes longer than running the rules once.
    func scanner(_ ruleSet: RuleSet, singleText: Bool = false) -> RuleScanner {
        guard singleText && engine == nil else {
            return RuleScanner(
                ruleSet: ruleSet, timeBudget: timeBudget, maxTextBytes: maxTextBytes, engine: engine ?? .default,
                prefiltered: true)
        }
        return RuleScanner(
            ruleSet: ruleSet, timeBudget: timeBudget, maxTextBytes: maxTextBytes, engine: .pcre2,
            prefiltered: ruleSet.hasPrefilterLayout)
    }
}

extension MatchEngine: ExpressibleByArgument {}
