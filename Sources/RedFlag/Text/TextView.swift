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

/// A stretch of a view that maps to the original in one way: byte for byte (`identity`), or every byte to the
/// same original span (one original character that became these bytes).
struct MapSegment: Sendable {
    let viewStart: Int32
    let originalStart: Int32
    let originalEnd: Int32
    let identity: Bool
    let tricks: UInt8
}

/// A transformed copy of a text that knows, for every UTF-8 byte, the span of the original it came from.
public struct TextView: Sendable {
    public let kind: ViewKind
    /// The view's text; patterns run on it.
    public let text: String
    /// The map back to the original, in order of `viewStart`; nil for the raw view.
    let segments: [MapSegment]?
    /// Tricks of single bytes changed after the map was built (digits read as letters).
    let byteTricks: [Int32: UInt8]
    /// Byte length of the original text.
    let originalLength: Int

    /// The identity view of `text`.
    static func raw(_ text: String) -> TextView {
        TextView(kind: .raw, text: text, segments: nil, byteTricks: [:], originalLength: text.utf8.count)
    }

    /// The same view under another kind (when a later stage changed nothing).
    func relabeled(_ kind: ViewKind) -> TextView {
        TextView(kind: kind, text: text, segments: segments, byteTricks: byteTricks, originalLength: originalLength)
    }

    /// The index of the segment holding view byte `offset`.
    private func segmentIndex(_ offset: Int, in segments: [MapSegment]) -> Int {
        var low = 0
        var high = segments.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if Int(segments[middle].viewStart) <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The original span of the single view byte at `offset`.
    private func originalByte(_ offset: Int, in segments: [MapSegment]) -> (start: Int, end: Int) {
        let segment = segments[segmentIndex(offset, in: segments)]
        guard segment.identity else { return (Int(segment.originalStart), Int(segment.originalEnd)) }
        let position = Int(segment.originalStart) + offset - Int(segment.viewStart)
        return (position, position + 1)
    }

    /// The original byte span of the view's byte span `start..<end`.
    public func originalSpan(start: Int, end: Int) -> (start: Int, end: Int) {
        guard let segments else { return (start, end) }
        let length = text.utf8.count
        if segments.isEmpty || length == 0 { return (originalLength, originalLength) }
        if end <= start {
            let position = start < length ? originalByte(start, in: segments).start : originalLength
            return (position, position)
        }
        return (originalByte(start, in: segments).start, originalByte(min(end, length) - 1, in: segments).end)
    }

    /// The tricks undone inside the view's byte span `start..<end`.
    public func tricks(start: Int, end: Int) -> ObfuscationTricks {
        guard let segments, !segments.isEmpty, start < end else { return [] }
        var found: UInt8 = 0
        var index = segmentIndex(start, in: segments)
        while index < segments.count && Int(segments[index].viewStart) < end {
            found |= segments[index].tricks
            index += 1
        }
        for (offset, tricks) in byteTricks where Int(offset) >= start && Int(offset) < end { found |= tricks }
        return ObfuscationTricks(rawValue: found)
    }
}
