/// How likely a text is a recruitment scam, as a word.
public enum Label: String, Sendable, Codable, CaseIterable {
    case legit, suspicious, scam
}

/// One piece of evidence: a rule that fired and the words that made it fire.
///
/// Offsets point into the original text: `start`/`end` in UTF-8 bytes, `charStart`/`charEnd` in Unicode
/// scalars, both half-open, so `text` equals the original sliced at either pair.
public struct Evidence: Sendable, Hashable {
    public let rule: String
    public let tactic: String
    /// The rule's weight, counted once per text however many spans it has.
    public let weight: Double
    public let describe: String
    public let text: String
    public let start: Int
    public let end: Int
    public let charStart: Int
    public let charEnd: Int
    /// For meta rules and heuristics: the rules that made it fire.
    public let parts: [String]
    /// The disguises seen through to match (`homoglyph`, `spacing`, `leet`, `invisible`, `compatibility`,
    /// `emoji`); empty when the words were written plainly.
    public let tricks: [String]
}

/// Something that went wrong while classifying a text, which did not stop it from being classified.
public struct ScanWarning: Sendable, Hashable {
    /// A stable code, such as `match_limit`.
    public let code: String
    public let message: String
    /// The rule concerned, when there is one.
    public let rule: String?

    public init(code: String, message: String, rule: String? = nil) {
        self.code = code
        self.message = message
        self.rule = rule
    }
}

/// The verdict on one text: label, probability, score, tactics and the evidence behind them.
public struct Verdict: Sendable {
    public let label: Label
    /// The logistic of `score + bias`.
    public let probability: Double
    /// The sum of the weights of the rules and heuristics that fired, plus the lexical layer's part.
    public let score: Double
    /// Tactics with positive weight among the rules that fired, the heaviest first.
    public let tactics: [String]
    /// Evidence in order of position in the text.
    public let evidence: [Evidence]
    public private(set) var warnings: [ScanWarning]
    /// What the lexical layer of learned weights added, when one is loaded (`--weights`).
    public var lexical: LexicalContribution? = nil
    /// The ISO 639-1 code of the text's language (given or identified), nil when unknown.
    public var language: String? = nil
    /// When the language is unknown: the likeliest languages, whose rules (and the language-neutral ones) ran;
    /// empty when none was likely and every rule ran.
    public var candidateLanguages: [String] = []
    /// Money amounts, URLs, e-mail addresses, phone numbers, chat handles and wallets found in the text.
    public var entities: [Entity] = []

    func adding(_ warning: ScanWarning) -> Verdict {
        var copy = self
        copy.warnings.append(warning)
        return copy
    }

    func with(language: String?, candidates: [String] = [], entities: [Entity]) -> Verdict {
        var copy = self
        copy.language = language
        copy.candidateLanguages = language == nil ? candidates : []
        copy.entities = entities
        return copy
    }
}
