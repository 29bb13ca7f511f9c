import Foundation

/// A word or word pair of a text that pushed its score, with where it first occurs.
public struct LexicalEvidence: Sendable, Hashable {
    /// The feature: a lower-case word, or two words separated by a space; numbers read as `<num>`.
    public let feature: String
    /// Its part of the score (weight × feature value).
    public let contribution: Double
    /// The words in the original text, and their UTF-8 byte span.
    public let text: String
    public let start: Int
    public let end: Int
}

/// What the lexical layer added to a verdict's score.
public struct LexicalContribution: Sendable, Hashable {
    public let score: Double
    /// The features that pushed the score up most, strongest first.
    public let words: [LexicalEvidence]
}

/// The optional lexical layer: weights of words and word pairs learned by `redflag train --lexical`, in the
/// spirit of SpamAssassin's Bayes, for corpora whose fraud names no chat app and asks for no fee.
///
/// A text's features are its words and pairs of adjacent words in the normalized view, each valued
/// (1 + ln count) × idf and scaled to unit length over the features the model knows; the layer adds
/// Σ weight × value to the score.
public struct LexicalModel: Sendable {
    public struct Feature: Sendable, Hashable {
        public let weight: Double
        public let idf: Double
    }

    public let features: [String: Feature]

    public init(features: [String: Feature]) { self.features = features }

    /// A feature of one text: how often it occurs and where first.
    public struct Term: Sendable, Hashable {
        public var count: Int
        public let start: Int
        public let end: Int
    }

    /// The words and word pairs of a view, with counts and first spans in the original text.
    public static func terms(in view: TextView) -> [String: Term] {
        let tokens = Tokenizer.tokens(in: view)
        var terms: [String: Term] = [:]
        func add(_ key: String, _ start: Int, _ end: Int) {
            if terms[key] != nil { terms[key]!.count += 1 } else { terms[key] = Term(count: 1, start: start, end: end) }
        }
        var previous: (text: String, start: Int)?
        for token in tokens {
            let text = token.kind == .number ? "<num>" : token.text.lowercased()
            add(text, token.start, token.end)
            if token.kind == .word {
                // Character 3- to 5-grams of the word with its boundaries ("#ab", "abc", "bc#"), written "~abc".
                let letters = Array(("#" + text + "#").unicodeScalars)
                for length in 3...5 where letters.count >= length {
                    for start in 0...(letters.count - length) {
                        var gram = "~"
                        gram.unicodeScalars.append(contentsOf: letters[start..<start + length])
                        add(gram, token.start, token.end)
                    }
                }
            }
            if let previous { add(previous.text + " " + text, previous.start, token.end) }
            previous = (text, token.start)
        }
        return terms
    }

    /// The unit-length feature values of `terms` over the features this model knows (`idf` gives the idf).
    public static func values(_ terms: [String: Term], idf: (String) -> Double?) -> [(feature: String, value: Double)] {
        var values: [(String, Double)] = []
        var squares = 0.0
        // In feature order, so sums (and so weights and probabilities) are the same in every process.
        for feature in terms.keys.sorted() {
            guard let weight = idf(feature), let term = terms[feature] else { continue }
            let value = (1 + log(Double(term.count))) * weight
            values.append((feature, value))
            squares += value * value
        }
        guard squares > 0 else { return [] }
        let norm = squares.squareRoot()
        return values.map { ($0.0, $0.1 / norm) }
    }

    /// The layer's part of the score for `text`, whose normalized view is `view`.
    public func contribution(text: String, view: TextView, topWords: Int = 5) -> LexicalContribution {
        let terms = Self.terms(in: view)
        let values = Self.values(terms) { features[$0]?.idf }
        var score = 0.0
        var parts: [(String, Double)] = []
        for (feature, value) in values {
            let part = value * features[feature]!.weight
            score += part
            if part > 0 { parts.append((feature, part)) }
        }
        let words = parts.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(topWords).map { feature, part in
            let term = terms[feature]!
            return LexicalEvidence(
                feature: feature, contribution: part, text: UTF8Offsets.slice(text, from: term.start, to: term.end),
                start: term.start, end: term.end)
        }
        return LexicalContribution(score: score, words: words)
    }
}
