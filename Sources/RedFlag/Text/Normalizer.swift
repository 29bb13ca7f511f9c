import Foundation

/// Builds the `folded` and `normalized` views of a text, each with a map back to the original.
///
/// A normalizer caches the normalization of non-ASCII characters, so it belongs to one thread at a time, like
/// the scanner that owns it.
public final class Normalizer {
    private var cache: [String: (folded: [Unicode.Scalar], compatibility: Bool)] = [:]
    private let cacheLimit = 20_000

    public init() {}

    /// The folded and normalized views of `text`.
    public func views(of text: String) -> (folded: TextView, normalized: TextView) {
        let length = text.utf8.count
        let folded = fold(text)
        let normalized = deobfuscate(folded)
        return (folded.encode(kind: .folded, originalLength: length), normalized.encode(kind: .normalized, originalLength: length))
    }

    // MARK: - Folding: NFKC, lower case, invisible characters

    private func fold(_ text: String) -> ScalarRun {
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int32] = []
        scalars.reserveCapacity(text.utf8.count)
        offsets.reserveCapacity(text.utf8.count + 1)
        var offset: Int32 = 0
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            offsets.append(offset)
            offset += Int32(UTF8.width(scalar))
        }
        offsets.append(offset)

        var run = ScalarRun(capacity: scalars.count)
        var pendingInvisible = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let nextIsMark = index + 1 < scalars.count && isMark(scalars[index + 1])
            if scalar.isASCII && !nextIsMark {
                let lowered = scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar
                let tricks: ObfuscationTricks = pendingInvisible && isWordScalar(lowered) ? .invisible : []
                run.append(lowered, offsets[index], offsets[index + 1], tricks)
                pendingInvisible = false
                index += 1
                continue
            }
            var end = index + 1
            while end < scalars.count && isMark(scalars[end]) { end += 1 }
            if end == index + 1 && scalar.properties.isDefaultIgnorableCodePoint {
                if let last = run.scalars.last, isWordScalar(last) { pendingInvisible = true }
                index = end
                continue
            }
            let (folded, compatibility) = foldUnit(scalars[index..<end])
            for output in folded {
                var tricks: ObfuscationTricks = compatibility ? .compatibility : []
                if pendingInvisible && isWordScalar(output) { tricks.insert(.invisible) }
                pendingInvisible = false
                run.append(output, offsets[index], offsets[end], tricks)
            }
            index = end
        }
        return run
    }

    /// NFKC then lower case of one character (a scalar and its combining marks), and whether NFKC changed more
    /// than canonical composition would.
    private func foldUnit(_ unit: ArraySlice<Unicode.Scalar>) -> (folded: [Unicode.Scalar], compatibility: Bool) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: unit)
        let key = String(view)
        if let known = cache[key] { return known }
        let compatible = key.precomposedStringWithCompatibilityMapping
        let canonical = key.precomposedStringWithCanonicalMapping
        let folded = Array(compatible.lowercased().unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint })
        let result = (folded, compatible != canonical)
        if cache.count < cacheLimit { cache[key] = result }
        return result
    }

    // MARK: - De-obfuscation

    private func deobfuscate(_ input: ScalarRun) -> ScalarRun {
        var run = input
        foldHomoglyphs(&run)
        run = joinSpacedLetters(run)
        mapLeet(&run)
        mapLeet(&run)
        return run
    }

    /// In each word that mixes Latin letters with look-alikes from other scripts (or is made only of
    /// look-alikes), replaces the look-alikes with their Latin letters.
    private func foldHomoglyphs(_ run: inout ScalarRun) {
        var start = 0
        let count = run.scalars.count
        while start < count {
            guard isWordScalar(run.scalars[start]) else {
                start += 1
                continue
            }
            var end = start
            var hasLatin = false
            var hasLookAlike = false
            var allLettersMappable = true
            while end < count && isWordScalar(run.scalars[end]) {
                let scalar = run.scalars[end]
                if scalar.isASCII {
                    if scalar.properties.isAlphabetic { hasLatin = true }
                } else if Confusables.table[scalar.value] != nil {
                    hasLookAlike = true
                } else if scalar.properties.isAlphabetic {
                    allLettersMappable = false
                }
                end += 1
            }
            if hasLookAlike && (hasLatin || allLettersMappable) {
                for index in start..<end {
                    let scalar = run.scalars[index]
                    if !scalar.isASCII, let latin = Confusables.table[scalar.value] {
                        run.scalars[index] = Unicode.Scalar(latin)
                        run.tricks[index] |= ObfuscationTricks.homoglyph.rawValue
                    }
                }
            }
            start = end
        }
    }

    /// Joins runs of four or more single letters separated by spaces, dots, dashes or emoji
    /// ("T e l e g r a m", "t.e.l.e.g.r.a.m"), and drops emoji inside words ("Tele🔥gram").
    private func joinSpacedLetters(_ input: ScalarRun) -> ScalarRun {
        let scalars = input.scalars
        let count = scalars.count
        var drop = [Bool](repeating: false, count: count)
        var mark = [UInt8](repeating: 0, count: count)
        func isSingle(_ index: Int) -> Bool {
            isWordScalar(scalars[index])
                && (index == 0 || !isWordScalar(scalars[index - 1]))
                && (index + 1 == count || !isWordScalar(scalars[index + 1]))
        }
        var index = 0
        while index < count {
            guard isSingle(index) else {
                index += 1
                continue
            }
            // Extend a chain of single letters joined by short separators.
            var chain = [index]
            var cursor = index + 1
            while true {
                var gap = cursor
                while gap < count && gap - cursor < 3 && isSpacingSeparator(scalars[gap]) { gap += 1 }
                guard gap > cursor, gap < count, isSingle(gap) else { break }
                chain.append(gap)
                cursor = gap + 1
            }
            let letters = chain.filter { scalars[$0].properties.isAlphabetic }.count
            if chain.count >= 4 && letters >= 3 && chain.count - letters <= 2 {
                for (position, member) in chain.enumerated() {
                    mark[member] |= ObfuscationTricks.spacing.rawValue
                    if position + 1 < chain.count {
                        for gap in (member + 1)..<chain[position + 1] { drop[gap] = true }
                    }
                }
                index = chain.last! + 1
            } else {
                index += 1
            }
        }
        // Emoji between two letters of a word.
        index = 1
        while index < count - 1 {
            if isEmojiLike(scalars[index]), isWordScalar(scalars[index - 1]) {
                var end = index
                while end < count && isEmojiLike(scalars[end]) { end += 1 }
                if end < count && isWordScalar(scalars[end]) {
                    for gap in index..<end { drop[gap] = true }
                    mark[end] |= ObfuscationTricks.emoji.rawValue
                }
                index = end
            } else {
                index += 1
            }
        }
        var output = ScalarRun(capacity: count)
        for position in 0..<count where !drop[position] {
            output.append(
                scalars[position], input.start[position], input.end[position],
                ObfuscationTricks(rawValue: input.tricks[position] | mark[position]))
        }
        return output
    }

    /// Maps digits and symbols standing between two letters back to the letters they imitate.
    private func mapLeet(_ run: inout ScalarRun) {
        let count = run.scalars.count
        guard count >= 3 else { return }
        for index in 1..<(count - 1) {
            let scalar = run.scalars[index]
            guard scalar.isASCII, let letter = leetLetter(scalar) else { continue }
            let before = run.scalars[index - 1]
            let after = run.scalars[index + 1]
            guard isASCIILetter(before), isASCIILetter(after) else { continue }
            if scalar == "@" && looksLikeEmailDomain(run.scalars, from: index + 1) { continue }
            var mapped = letter
            if scalar == "1" { mapped = isVowel(before) && isVowel(after) ? "l" : "i" }
            run.scalars[index] = mapped
            run.tricks[index] |= ObfuscationTricks.leet.rawValue
        }
    }

    private func leetLetter(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "0": return "o"
        case "1": return "i"
        case "3": return "e"
        case "4": return "a"
        case "5": return "s"
        case "7": return "t"
        case "@": return "a"
        case "$": return "s"
        default: return nil
        }
    }

    /// True when the scalars from `index` read like a mail domain (`gmail.com`), so `@` is an address.
    private func looksLikeEmailDomain(_ scalars: [Unicode.Scalar], from index: Int) -> Bool {
        var cursor = index
        while cursor < scalars.count && (isASCIILetter(scalars[cursor]) || scalars[cursor] == "-" || ("0"..."9").contains(scalars[cursor])) {
            cursor += 1
        }
        return cursor + 1 < scalars.count && scalars[cursor] == "." && isASCIILetter(scalars[cursor + 1])
    }
}

/// Scalars with the original span and tricks of each.
struct ScalarRun {
    var scalars: [Unicode.Scalar] = []
    var start: [Int32] = []
    var end: [Int32] = []
    var tricks: [UInt8] = []

    init(capacity: Int) {
        scalars.reserveCapacity(capacity)
        start.reserveCapacity(capacity)
        end.reserveCapacity(capacity)
        tricks.reserveCapacity(capacity)
    }

    mutating func append(_ scalar: Unicode.Scalar, _ from: Int32, _ to: Int32, _ found: ObfuscationTricks) {
        scalars.append(scalar)
        start.append(from)
        end.append(to)
        tricks.append(found.rawValue)
    }

    /// The UTF-8 text of the run, with per-byte maps.
    func encode(kind: ViewKind, originalLength: Int) -> TextView {
        var bytes: [UInt8] = []
        var byteStart: [Int32] = []
        var byteEnd: [Int32] = []
        var byteTricks: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            let before = bytes.count
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else {
                bytes.append(contentsOf: UTF8.encode(scalar)!)
            }
            for _ in before..<bytes.count {
                byteStart.append(start[index])
                byteEnd.append(end[index])
                byteTricks.append(tricks[index])
            }
        }
        return TextView(
            kind: kind, text: String(decoding: bytes, as: UTF8.self), sourceStart: byteStart, sourceEnd: byteEnd,
            tricks: byteTricks, originalLength: originalLength)
    }
}

func isMark(_ scalar: Unicode.Scalar) -> Bool {
    guard !scalar.isASCII else { return false }
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark: return true
    default: return false
    }
}

/// Letters, marks and digits: what words are made of.
func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII {
        let value = scalar.value
        return (value >= 97 && value <= 122) || (value >= 65 && value <= 90) || (value >= 48 && value <= 57)
    }
    return scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
}

func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return (value >= 97 && value <= 122) || (value >= 65 && value <= 90)
}

private func isVowel(_ scalar: Unicode.Scalar) -> Bool {
    "aeiouy".unicodeScalars.contains(scalar)
}

/// Pictographs, and the joiners and selectors that build emoji sequences.
func isEmojiLike(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII { return false }
    if scalar.value == 0x200D || (0xFE00...0xFE0F).contains(scalar.value) || (0x1F3FB...0x1F3FF).contains(scalar.value) {
        return true
    }
    return scalar.properties.isEmoji && scalar.value >= 0x00A9
}

/// What may stand between the letters of a spaced-out word.
private func isSpacingSeparator(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case " ", ".", "-", "_", "*", "·", "•", "|", "/", "\\", "~", "+", ",", "\u{00A0}": return true
    default: return isEmojiLike(scalar)
    }
}
