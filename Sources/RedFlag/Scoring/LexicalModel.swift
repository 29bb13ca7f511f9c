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
/// A text's features are its words, pairs of adjacent words and the character n-grams of its words in the
/// normalized view, each valued (1 + ln count) × idf and scaled to unit length over the features the model
/// knows; the layer adds Σ weight × value to the score.
public struct LexicalModel: Sendable {
    public struct Feature: Sendable, Hashable {
        public let weight: Double
        public let idf: Double
    }

    /// How features are cut and scaled; named in the weights file so a file is always read the way it was made.
    public enum Scheme: String, Sendable, CaseIterable {
        /// Character 3- to 5-grams; words, pairs and n-grams scaled to unit length together (the first files).
        case joint = "joint-3-5"
        /// Character 2- to 5-grams; words and pairs scaled to unit length as one block and n-grams as another,
        /// so the many n-grams do not drown the words.
        case blocks = "blocks-2-5"

        var gramLengths: ClosedRange<Int> { self == .joint ? 3...5 : 2...5 }
    }

    public let features: [String: Feature]
    public let scheme: Scheme

    public init(features: [String: Feature], scheme: Scheme = .blocks) {
        self.features = features
        self.scheme = scheme
    }

    /// A feature of one text: how often it occurs and where first.
    public struct Term: Sendable, Hashable {
        public var count: Int
        public let start: Int
        public let end: Int
    }

    /// The words, word pairs and character n-grams of a view, with counts and first spans in the original text.
    public static func terms(in view: TextView, scheme: Scheme) -> [String: Term] {
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
                // Character n-grams of the word with its boundaries ("#ab", "abc", "bc#"), written "~abc".
                let letters = Array(("#" + text + "#").unicodeScalars)
                for length in scheme.gramLengths where letters.count >= length {
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

    /// The feature values of `terms` over the features this model knows (`idf` gives the idf), scaled to unit
    /// length as `scheme` says.
    public static func values(_ terms: [String: Term], scheme: Scheme, idf: (String) -> Double?)
        -> [(feature: String, value: Double)]
    {
        var values: [(String, Double)] = []
        // Sums of squares of word features [0] and n-gram features [1]; one sum for the joint scheme.
        var squares = [0.0, 0.0]
        func block(_ feature: String) -> Int { scheme == .blocks && feature.hasPrefix("~") ? 1 : 0 }
        // In feature order, so sums (and so weights and probabilities) are the same in every process.
        for feature in terms.keys.sorted() {
            guard let weight = idf(feature), let term = terms[feature] else { continue }
            let value = (1 + log(Double(term.count))) * weight
            values.append((feature, value))
            squares[block(feature)] += value * value
        }
        let norms = squares.map { $0.squareRoot() }
        // A block whose features all weigh 0 (an idf of 0 in a hand-made file) adds nothing, rather than 0/0.
        return values.compactMap { norms[block($0.0)] > 0 ? ($0.0, $0.1 / norms[block($0.0)]) : nil }
    }

    /// The layer's part of the score for `text`, whose normalized view is `view`.
    public func contribution(text: String, view: TextView, topWords: Int = 5) -> LexicalContribution {
        let terms = Self.terms(in: view, scheme: scheme)
        let values = Self.values(terms, scheme: scheme) { features[$0]?.idf }
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
