import RedFlagRegex

/// A tactic of the closed list in `tactics.yaml`.
public struct Tactic: Sendable, Hashable {
    public let id: String
    /// One line a moderator reads.
    public let describe: String
}

/// An example text written beside a rule, with the place it was written.
public struct RuleExample: Sendable, Hashable {
    public let text: String
    public let location: SourceLocation
}

/// What a rule's examples say it must and must not fire on.
public struct RuleExamples: Sendable {
    public var match: [RuleExample] = []
    public var nomatch: [RuleExample] = []
    /// Known misses: texts the rule should fire on but does not yet.
    public var todoMatch: [RuleExample] = []
    /// Known false positives: texts the rule should not fire on but does.
    public var todoNomatch: [RuleExample] = []
}

/// How a rule decides whether it fires.
public enum RuleBody: Sendable {
    /// A PCRE2 pattern; its matches are the rule's evidence.
    case pattern(CompiledPattern)
    /// A boolean expression over other rules.
    case meta(MetaExpression)
}

/// One compiled rule of a rule set.
public struct Rule: Sendable {
    /// Unique, never reused. Ids starting with `__` are sub-rules.
    public let id: String
    /// The tactic it is evidence of; nil for sub-rules.
    public let tactic: String?
    /// Added to the score once per text when the rule fires; 0 for sub-rules.
    public internal(set) var weight: Double
    /// ISO 639-1 codes, or `any`.
    public let languages: [String]
    /// What a moderator reads, in English.
    public var describe: String { texts.describe }
    /// The description in other languages, by language code.
    public var describeLocal: [String: String] { texts.describeLocal }
    public let body: RuleBody
    /// The text a pattern runs on (default: the normalized view).
    public let view: ViewKind
    /// The flags as written (`case-sensitive`, `multiline`, `dotall`, `extended`).
    public let flags: [String]
    public let examples: RuleExamples
    /// Sources: URLs or citations.
    public var references: [String] { texts.references }
    /// Pattern rules that, when they fire, keep this pattern rule from firing (a warning that hands the reader a
    /// chat handle is no warning).
    public let unless: [String]
    /// Where the rule starts in its file.
    public let location: SourceLocation
    /// The descriptions and references, kept apart because classifying a text reads only its fired rules'.
    let texts: RuleTexts

    init(
        id: String, tactic: String?, weight: Double, languages: [String], describe: String,
        describeLocal: [String: String], body: RuleBody, view: ViewKind, flags: [String], examples: RuleExamples,
        references: [String], unless: [String], location: SourceLocation
    ) {
        self.init(
            id: id, tactic: tactic, weight: weight, languages: languages,
            texts: RuleTexts(describe: describe, describeLocal: describeLocal, references: references),
            body: body, view: view, flags: flags, examples: examples, unless: unless, location: location)
    }

    init(
        id: String, tactic: String?, weight: Double, languages: [String], texts: RuleTexts, body: RuleBody,
        view: ViewKind, flags: [String], examples: RuleExamples, unless: [String], location: SourceLocation
    ) {
        self.id = id
        self.tactic = tactic
        self.weight = weight
        self.languages = languages
        self.texts = texts
        self.body = body
        self.view = view
        self.flags = flags
        self.examples = examples
        self.unless = unless
        self.location = location
    }

    /// The same rule with another body.
    func with(body: RuleBody) -> Rule {
        Rule(
            id: id, tactic: tactic, weight: weight, languages: languages, texts: texts, body: body, view: view,
            flags: flags, examples: examples, unless: unless, location: location)
    }

    /// Sub-rules never score and are not shown as evidence; meta rules combine them.
    public var isSubRule: Bool { id.hasPrefix("__") }

    /// True when the rule applies to texts in `language` (nil: language unknown, every rule applies).
    public func applies(toLanguage language: String?) -> Bool {
        guard let language else { return true }
        return languages.contains("any") || languages.contains(language)
    }

    /// True when the rule applies to a text in one of `languages` (empty: unknown, every rule applies).
    public func applies(toAnyOf languages: [String]) -> Bool {
        languages.isEmpty || languages.contains { applies(toLanguage: $0) }
    }

    /// The PCRE2 source of a pattern rule, or the expression of a meta rule.
    public var source: String {
        switch body {
        case .pattern(let pattern): return pattern.source
        case .meta(let expression): return expression.description
        }
    }
}

/// A rule's texts for people: its descriptions and references. A rule read from a snapshot keeps them as the
/// snapshot's bytes and decodes them when they are read (see `RuleSetSnapshot`); one read from YAML keeps strings.
struct RuleTexts: Sendable {
    enum Storage: Sendable {
        case decoded(describe: String, describeLocal: [String: String], references: [String])
        /// The encoded texts at `range` of `bytes` (the array is shared, not copied).
        case encoded(bytes: [UInt8], range: Range<Int>)
    }

    let storage: Storage

    init(describe: String, describeLocal: [String: String], references: [String]) {
        storage = .decoded(describe: describe, describeLocal: describeLocal, references: references)
    }

    init(encoded bytes: [UInt8], range: Range<Int>) {
        storage = .encoded(bytes: bytes, range: range)
    }

    var describe: String {
        switch storage {
        case .decoded(let describe, _, _): return describe
        case .encoded(let bytes, let range): return RuleSetSnapshot.decodeDescribe(bytes, range: range)
        }
    }
    var describeLocal: [String: String] { decoded.describeLocal }
    var references: [String] { decoded.references }

    private var decoded: (describe: String, describeLocal: [String: String], references: [String]) {
        switch storage {
        case .decoded(let describe, let describeLocal, let references): return (describe, describeLocal, references)
        case .encoded(let bytes, let range): return RuleSetSnapshot.decodeTexts(bytes, range: range)
        }
    }
}

/// Probability thresholds that turn a probability into a label.
public struct Thresholds: Sendable, Hashable, Codable {
    /// At and above: `suspicious`.
    public var suspicious: Double
    /// At and above: `scam`.
    public var scam: Double

    public init(suspicious: Double, scam: Double) {
        self.suspicious = suspicious
        self.scam = scam
    }
}

/// A signal beyond single patterns, with its weight kept in the rule set's data (`ruleset.yaml`).
public struct Heuristic: Sendable, Hashable {
    /// What the heuristic measures.
    public enum Kind: String, Sendable, CaseIterable {
        /// A scoring rule matched only by seeing through obfuscation (look-alike letters, spacing, leet…).
        case obfuscation
        /// An amount of money worth at least `threshold` US dollars per working day.
        case highPay = "high_pay"
        /// An amount of money worth at least `threshold` US dollars per hour of the daily work the text states
        /// ("300 USD a day, only 1–2 hours a day"): a daily, weekly or monthly amount divided by the stated
        /// hours, an hourly one as it is (it still needs a stated time).
        case highPayForHours = "high_pay_for_hours"
        /// The only ways to reach the sender are chat apps, chat links or phone numbers: no website or e-mail of
        /// an organisation's own domain.
        case chatOnlyContact = "chat_only_contact"
        /// A free-mail address (Gmail, Outlook…) and no website or e-mail of an organisation's own domain.
        case freeMailOnlyContact = "free_mail_only_contact"
        /// Shouting: at least half the letters in capitals (of 20 or more), three or more exclamation marks, or
        /// three or more emoji making at least 2% of the characters.
        case shouting
        /// A job offer that says nothing concrete: the `offer` rule fired, none of the `details` rules (employer,
        /// place, duties) did, and there is no website or e-mail of an organisation.
        case vagueAdvert = "vague_advert"
    }

    /// Shown as the evidence's rule id, e.g. `HEUR_OBFUSCATION`.
    public let id: String
    public let kind: Kind
    public let tactic: String
    public internal(set) var weight: Double
    public let describe: String
    /// The kind's parameter, where it has one (`high_pay`: US dollars per day; `high_pay_for_hours`: US dollars
    /// per stated hour).
    public let threshold: Double?
    /// `vague_advert`: the rule that says the text offers a job, and the rules that name its details.
    public var offer: String? = nil
    public var details: [String] = []
}

/// The settings of a rule set, from `ruleset.yaml`.
public struct RuleSetSettings: Sendable, Hashable {
    public var name: String
    public var version: String
    /// Added to the summed weights before the logistic.
    public var bias: Double
    public var thresholds: Thresholds
    /// Signals beyond single patterns, each with its weight.
    public var heuristics: [Heuristic] = []
}
