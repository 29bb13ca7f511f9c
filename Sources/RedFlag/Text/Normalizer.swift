import Foundation

/// Builds the `folded` and `normalized` views of a text, each with a map back to the original.
///
/// A normalizer caches the normalization of non-ASCII characters, so it belongs to one thread at a time, like
/// the scanner that owns it.
public final class Normalizer {
    /// Folded bytes of non-ASCII characters (a scalar and its combining marks), by their original text.
    private var cache: [String: FoldedUnit] = [:]
    /// The same for characters of one scalar, keyed by its value (the common case, and a cheaper key).
    private var scalarCache: [UInt32: FoldedUnit] = [:]
    /// A class per BMP scalar, filled as scalars are met: 0 unknown, 1 unchanged letter or digit, 2 unchanged other,
    /// 3 changed by folding (see `scalarCache`), 4 combining mark.
    private var bmpClass = [UInt8](repeating: 0, count: 0x10000)
    private let cacheLimit = 20_000

    struct FoldedUnit {
        let bytes: [UInt8]
        let compatibility: Bool
        let ignorable: Bool
        let confusable: Bool
        let wordLike: Bool
        /// Folding leaves the character as it is (most accented small letters, Han, Hangul…).
        let identity: Bool
        /// The character is a combining mark, which belongs to the character before it.
        let isMark: Bool
    }

    public init() {}

    /// The folded and normalized views of `text`.
    public func views(of text: String) -> (folded: TextView, normalized: TextView) {
        let length = text.utf8.count
        let (folded, hasConfusable) = fold(text)
        var normalized = folded
        var changed = false
        if hasConfusable || needsScalarPass(folded.bytes) {
            var scalars = ScalarRun(folded)
            if hasConfusable { foldHomoglyphs(&scalars) }
            normalized = ByteRun(joinSpacedLetters(scalars))
            changed = true
        }
        changed = mapLeet(&normalized) || changed
        changed = mapLeet(&normalized) || changed
        let foldedView = folded.view(kind: .folded, originalLength: length)
        guard changed else { return (foldedView, foldedView.relabeled(.normalized)) }
        return (foldedView, normalized.view(kind: .normalized, originalLength: length))
    }

    // MARK: - Folding: NFKC, lower case, invisible characters

    /// Folds `text` byte by byte: ASCII directly, other characters through a cache of NFKC + lower case.
    private func fold(_ text: String) -> (ByteRun, hasConfusable: Bool) {
        var text = text
        return text.withUTF8 { bytes -> (ByteRun, Bool) in
            var run = ByteRun(capacity: bytes.count)
            var hasConfusable = false
            var pendingInvisible = false
            var lastWasWord = false
            let count = bytes.count
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 && (index + 1 == count || bytes[index + 1] < 0x80 || !nextIsMark(bytes, index + 1)) {
                    let lowered = byte >= 65 && byte <= 90 ? byte + 32 : byte
                    let isWord = isWordByte(lowered)
                    run.appendASCII(lowered, at: Int32(index), tricks: pendingInvisible && isWord ? ObfuscationTricks.invisible.rawValue : 0)
                    pendingInvisible = false
                    lastWasWord = isWord
                    index += 1
                    continue
                }
                let first = decodeScalar(bytes, at: index)
                let firstClass = scalarClass(first.scalar)
                if firstClass == 1 || firstClass == 2 {
                    let next = index + first.width
                    if next >= count || bytes[next] < 0x80 || scalarClass(decodeScalar(bytes, at: next).scalar) != 4 {
                        let isWord = firstClass == 1
                        if pendingInvisible && isWord {
                            run.appendUnit(Array(UnsafeBufferPointer(rebasing: bytes[index..<next])), from: Int32(index), to: Int32(next), tricks: ObfuscationTricks.invisible.rawValue)
                        } else {
                            for offset in index..<next { run.appendASCII(bytes[offset], at: Int32(offset), tricks: 0) }
                        }
                        pendingInvisible = false
                        lastWasWord = isWord
                        index = next
                        continue
                    }
                }
                var end = index + first.width
                while end < count && bytes[end] >= 0x80 && nextIsMark(bytes, end) {
                    end += decodeScalar(bytes, at: end).width
                }
                let unit = end == index + first.width
                    ? scalarUnit(first.scalar) : foldUnit(UnsafeBufferPointer(rebasing: bytes[index..<end]))
                if unit.ignorable {
                    if lastWasWord { pendingInvisible = true }
                    index = end
                    continue
                }
                var tricks: UInt8 = unit.compatibility ? ObfuscationTricks.compatibility.rawValue : 0
                if pendingInvisible && unit.wordLike { tricks |= ObfuscationTricks.invisible.rawValue }
                pendingInvisible = false
                hasConfusable = hasConfusable || unit.confusable
                lastWasWord = unit.wordLike
                if unit.identity && tricks == 0 {
                    for offset in index..<end { run.appendASCII(bytes[offset], at: Int32(offset), tricks: 0) }
                } else {
                    run.appendUnit(unit.bytes, from: Int32(index), to: Int32(end), tricks: tricks)
                }
                index = end
            }
            return (run, hasConfusable)
        }
    }

    /// True when the scalar at `index` is a combining mark.
    private func nextIsMark(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        scalarClass(decodeScalar(bytes, at: index).scalar) == 4
    }

    /// The class of a scalar (see `bmpClass`), computed once per BMP scalar.
    private func scalarClass(_ scalar: Unicode.Scalar) -> UInt8 {
        let value = Int(scalar.value)
        if value < 0x10000, bmpClass[value] != 0 { return bmpClass[value] }
        let unit = scalarUnit(scalar)
        let found: UInt8 = unit.isMark ? 4 : !unit.identity ? 3 : unit.wordLike ? 1 : 2
        if value < 0x10000 { bmpClass[value] = found }
        return found
    }

    /// The folding of a character of one scalar, cached by its value.
    private func scalarUnit(_ scalar: Unicode.Scalar) -> FoldedUnit {
        if let known = scalarCache[scalar.value] { return known }
        let unit = computeUnit(String(scalar))
        if scalarCache.count < cacheLimit { scalarCache[scalar.value] = unit }
        return unit
    }

    /// NFKC then lower case of one character made of a scalar and its combining marks, cached.
    private func foldUnit(_ bytes: UnsafeBufferPointer<UInt8>) -> FoldedUnit {
        let key = String(decoding: bytes, as: UTF8.self)
        if let known = cache[key] { return known }
        let unit = computeUnit(key)
        if cache.count < cacheLimit { cache[key] = unit }
        return unit
    }

    private func computeUnit(_ key: String) -> FoldedUnit {
        let scalars = Array(key.unicodeScalars)
        let unit: FoldedUnit
        if scalars.count == 1 && scalars[0].properties.isDefaultIgnorableCodePoint {
            unit = FoldedUnit(bytes: [], compatibility: false, ignorable: true, confusable: false, wordLike: false, identity: false, isMark: isMark(scalars[0]))
        } else {
            let compatible = key.precomposedStringWithCompatibilityMapping
            let canonical = key.precomposedStringWithCanonicalMapping
            let folded = compatible.lowercased().unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint }
            var output = String.UnicodeScalarView()
            output.append(contentsOf: folded)
            let bytes = Array(String(output).utf8)
            let confusable = folded.contains { !$0.isASCII && Confusables.table[$0.value] != nil }
            let wordLike = folded.contains(where: isWordScalar)
            // Fullwidth punctuation (，：！) is ordinary in Chinese and Japanese: only letters and digits in
            // compatibility forms count as a disguise.
            unit = FoldedUnit(
                bytes: bytes, compatibility: compatible != canonical && wordLike, ignorable: false, confusable: confusable,
                wordLike: wordLike,
                identity: bytes == Array(key.utf8) && !confusable && compatible == canonical,
                isMark: scalars.count == 1 && isMark(scalars[0]))
        }
        return unit
    }

    /// True when the folded bytes may hold spaced-out letters or emoji inside words, which need the scalar pass.
    private func needsScalarPass(_ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.enumerated() where byte >= 0xE2 {
            // A 4-byte character (most emoji), a dingbat or symbol (U+2600–U+27BF), or a variation selector.
            if byte >= 0xF0 { return true }
            if byte == 0xE2 && index + 1 < bytes.count && (0x98...0x9E).contains(bytes[index + 1]) { return true }
            if byte == 0xEF && index + 1 < bytes.count && bytes[index + 1] == 0xB8 { return true }
        }
        var chain = 0
        var lastSingleEnd = -100
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            guard isWordByte(byte) || byte >= 0x80 else {
                if byte == 10 { chain = 0 }
                index += 1
                continue
            }
            var end = index + 1
            while end < count && (isWordByte(bytes[end]) || bytes[end] >= 0x80) { end += 1 }
            let width = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            if end - index == width {
                chain = index - lastSingleEnd <= 12 ? chain + 1 : 1
                lastSingleEnd = end
                if chain >= 4 { return true }
            } else {
                chain = 0
            }
            index = end
        }
        return false
    }

    // MARK: - De-obfuscation

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
    @discardableResult
    private func mapLeet(_ run: inout ByteRun) -> Bool {
        let count = run.bytes.count
        guard count >= 3 else { return false }
        var changed = false
        for index in 1..<(count - 1) {
            let byte = run.bytes[index]
            guard let letter = leetLetter(byte) else { continue }
            let before = run.bytes[index - 1]
            let after = run.bytes[index + 1]
            guard isASCIILetterByte(before), isASCIILetterByte(after) else { continue }
            if byte == UInt8(ascii: "@") && looksLikeEmailDomain(run.bytes, from: index + 1) { continue }
            var mapped = letter
            if byte == UInt8(ascii: "1") { mapped = isVowelByte(before) && isVowelByte(after) ? UInt8(ascii: "l") : UInt8(ascii: "i") }
            run.bytes[index] = mapped
            run.byteTricks[Int32(index), default: 0] |= ObfuscationTricks.leet.rawValue
            changed = true
        }
        return changed
    }

    private func leetLetter(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0"): return UInt8(ascii: "o")
        case UInt8(ascii: "1"): return UInt8(ascii: "i")
        case UInt8(ascii: "3"): return UInt8(ascii: "e")
        case UInt8(ascii: "4"): return UInt8(ascii: "a")
        case UInt8(ascii: "5"): return UInt8(ascii: "s")
        case UInt8(ascii: "7"): return UInt8(ascii: "t")
        case UInt8(ascii: "@"): return UInt8(ascii: "a")
        case UInt8(ascii: "$"): return UInt8(ascii: "s")
        default: return nil
        }
    }

    /// True when the bytes from `index` read like a mail domain (`gmail.com`), so `@` is an address.
    private func looksLikeEmailDomain(_ bytes: [UInt8], from index: Int) -> Bool {
        var cursor = index
        while cursor < bytes.count && (isWordByte(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "-")) { cursor += 1 }
        return cursor + 1 < bytes.count && bytes[cursor] == UInt8(ascii: ".") && isASCIILetterByte(bytes[cursor + 1])
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

    /// The scalars of a byte run, each with the original span and tricks of its bytes.
    init(_ run: ByteRun) {
        self.init(capacity: run.bytes.count)
        let view = run.view(kind: .folded, originalLength: 0)
        run.bytes.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                let (scalar, width) = decodeScalar(bytes, at: index)
                let span = view.originalSpan(start: index, end: index + width)
                append(scalar, Int32(span.start), Int32(span.end), view.tricks(start: index, end: index + width))
                index += width
            }
        }
    }
}

/// UTF-8 bytes with a map back to the original.
struct ByteRun {
    var bytes: [UInt8] = []
    var segments: [MapSegment] = []
    var byteTricks: [Int32: UInt8] = [:]

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// The UTF-8 encoding of a scalar run.
    init(_ run: ScalarRun) {
        self.init(capacity: run.scalars.count)
        for (index, scalar) in run.scalars.enumerated() {
            if scalar.isASCII && run.end[index] == run.start[index] + 1 {
                appendASCII(UInt8(scalar.value), at: run.start[index], tricks: run.tricks[index])
            } else {
                var encoded = (UInt8(0), UInt8(0), UInt8(0), UInt8(0))
                let width = encodeScalar(scalar, into: &encoded)
                let all = [encoded.0, encoded.1, encoded.2, encoded.3]
                appendUnit(Array(all.prefix(width)), from: run.start[index], to: run.end[index], tricks: run.tricks[index])
            }
        }
    }

    /// Appends a byte that stands for the original byte at `index`.
    mutating func appendASCII(_ byte: UInt8, at index: Int32, tricks: UInt8) {
        let viewOffset = Int32(bytes.count)
        if let last = segments.last, last.identity, last.tricks == tricks,
            last.originalStart + (viewOffset - last.viewStart) == index
        {
            bytes.append(byte)
            return
        }
        segments.append(MapSegment(viewStart: viewOffset, originalStart: index, originalEnd: index + 1, identity: true, tricks: tricks))
        bytes.append(byte)
    }

    /// Appends the bytes that one original character (`from..<to`) became.
    mutating func appendUnit(_ unit: [UInt8], from: Int32, to: Int32, tricks: UInt8) {
        guard !unit.isEmpty else { return }
        segments.append(MapSegment(viewStart: Int32(bytes.count), originalStart: from, originalEnd: to, identity: false, tricks: tricks))
        bytes.append(contentsOf: unit)
    }

    func view(kind: ViewKind, originalLength: Int) -> TextView {
        TextView(
            kind: kind, text: String(decoding: bytes, as: UTF8.self), segments: segments, byteTricks: byteTricks,
            originalLength: originalLength)
    }
}

/// Decodes the scalar starting at `index` of valid UTF-8.
func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: Unicode.Scalar, width: Int) {
    let lead = UInt32(bytes[index])
    if lead < 0x80 { return (Unicode.Scalar(UInt8(lead)), 1) }
    func continuation(_ offset: Int) -> UInt32 { index + offset < bytes.count ? UInt32(bytes[index + offset]) & 0x3F : 0 }
    let value: UInt32
    let width: Int
    if lead >= 0xF0 {
        value = (lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3)
        width = 4
    } else if lead >= 0xE0 {
        value = (lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2)
        width = 3
    } else {
        value = (lead & 0x1F) << 6 | continuation(1)
        width = 2
    }
    return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
}

/// Writes the UTF-8 bytes of a scalar; returns how many.
func encodeScalar(_ scalar: Unicode.Scalar, into bytes: inout (UInt8, UInt8, UInt8, UInt8)) -> Int {
    let value = scalar.value
    switch value {
    case 0..<0x80:
        bytes.0 = UInt8(value)
        return 1
    case 0x80..<0x800:
        bytes = (UInt8(0xC0 | value >> 6), UInt8(0x80 | value & 0x3F), 0, 0)
        return 2
    case 0x800..<0x10000:
        bytes = (UInt8(0xE0 | value >> 12), UInt8(0x80 | (value >> 6) & 0x3F), UInt8(0x80 | value & 0x3F), 0)
        return 3
    default:
        bytes = (UInt8(0xF0 | value >> 18), UInt8(0x80 | (value >> 12) & 0x3F), UInt8(0x80 | (value >> 6) & 0x3F), UInt8(0x80 | value & 0x3F))
        return 4
    }
}

func isWordByte(_ byte: UInt8) -> Bool {
    (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57)
}

func isASCIILetterByte(_ byte: UInt8) -> Bool {
    (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90)
}

private func isVowelByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "y"): return true
    default: return false
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
