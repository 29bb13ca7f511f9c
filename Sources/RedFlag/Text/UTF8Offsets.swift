/// Conversions between UTF-8 byte offsets and Unicode scalar offsets of one string.
enum UTF8Offsets {
    /// The scalar offset of each byte offset in `byteOffsets` (offsets on scalar boundaries), in one pass.
    static func scalarOffsets(of byteOffsets: [Int], in text: String) -> [Int: Int] {
        var result: [Int: Int] = [:]
        let targets = Set(byteOffsets).sorted()
        guard !targets.isEmpty else { return result }
        var next = 0
        var scalars = 0
        var byteIndex = 0
        for byte in text.utf8 {
            while next < targets.count && targets[next] == byteIndex {
                result[targets[next]] = scalars
                next += 1
            }
            if next == targets.count { return result }
            if byte & 0xC0 != 0x80 { scalars += 1 }
            byteIndex += 1
        }
        while next < targets.count {
            result[targets[next]] = scalars
            next += 1
        }
        return result
    }

    /// The text between two byte offsets (on scalar boundaries).
    static func slice(_ text: String, from start: Int, to end: Int) -> String {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        let upper = utf8.index(lower, offsetBy: end - start)
        return String(text[lower..<upper])
    }
}
