/// Which text a rule's pattern runs on.
public enum ViewKind: String, Sendable, CaseIterable, Codable {
    /// The original text, unchanged.
    case raw
    /// NFKC, lower case, invisible characters removed.
    case folded
    /// `folded`, then de-obfuscated: look-alike letters folded to Latin in words that use them, spaced or
    /// dotted letters joined ("T e l e g r a m"), emoji inside words removed, and digits or symbols used as
    /// letters mapped back ("te1egram", "wh4tsapp"). The default.
    case normalized
}

/// The tricks that made a stretch of normalized text differ from the original, beyond case and canonical
/// composition. A match whose span holds any of them saw through an attempt to hide a word.
public struct ObfuscationTricks: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Zero-width or other invisible characters inside the text.
    public static let invisible = ObfuscationTricks(rawValue: 1 << 0)
    /// Compatibility forms: fullwidth, mathematical or circled letters, ligatures.
    public static let compatibility = ObfuscationTricks(rawValue: 1 << 1)
    /// Letters of another script that look like Latin ones (Cyrillic е, Greek ο).
    public static let homoglyph = ObfuscationTricks(rawValue: 1 << 2)
    /// Letters separated by spaces, dots or emoji ("T e l e g r a m").
    public static let spacing = ObfuscationTricks(rawValue: 1 << 3)
    /// Digits or symbols standing for letters ("te1egram", "whats@pp").
    public static let leet = ObfuscationTricks(rawValue: 1 << 4)
    /// Emoji inside a word.
    public static let emoji = ObfuscationTricks(rawValue: 1 << 5)

    /// Names for output, in a fixed order.
    public var names: [String] {
        let all: [(ObfuscationTricks, String)] = [
            (.invisible, "invisible"), (.compatibility, "compatibility"), (.homoglyph, "homoglyph"),
            (.spacing, "spacing"), (.leet, "leet"), (.emoji, "emoji"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }
}

/// A transformed copy of a text with, for every UTF-8 byte, the span of the original it came from.
public struct TextView: Sendable {
    public let kind: ViewKind
    /// The view's text; patterns run on it.
    public let text: String
    /// For each byte of `text`, the original byte offset where its source starts (nil for the raw view).
    let sourceStart: [Int32]?
    /// For each byte of `text`, the original byte offset where its source ends.
    let sourceEnd: [Int32]?
    /// For each byte of `text`, the tricks undone to produce it.
    let tricks: [UInt8]?
    /// Byte length of the original text.
    let originalLength: Int

    /// The identity view of `text`.
    static func raw(_ text: String) -> TextView {
        TextView(kind: .raw, text: text, sourceStart: nil, sourceEnd: nil, tricks: nil, originalLength: text.utf8.count)
    }

    init(kind: ViewKind, text: String, sourceStart: [Int32]?, sourceEnd: [Int32]?, tricks: [UInt8]?, originalLength: Int) {
        self.kind = kind
        self.text = text
        self.sourceStart = sourceStart
        self.sourceEnd = sourceEnd
        self.tricks = tricks
        self.originalLength = originalLength
    }

    /// The original byte span of the view's byte span `start..<end`.
    public func originalSpan(start: Int, end: Int) -> (start: Int, end: Int) {
        guard let sourceStart, let sourceEnd else { return (start, end) }
        if sourceStart.isEmpty { return (0, 0) }
        if end <= start {
            let position = start < sourceStart.count ? Int(sourceStart[start]) : originalLength
            return (position, position)
        }
        return (Int(sourceStart[start]), Int(sourceEnd[end - 1]))
    }

    /// The tricks undone inside the view's byte span `start..<end`.
    public func tricks(start: Int, end: Int) -> ObfuscationTricks {
        guard let tricks, start < end else { return [] }
        var found: UInt8 = 0
        for index in start..<min(end, tricks.count) { found |= tricks[index] }
        return ObfuscationTricks(rawValue: found)
    }
}
