/// Builds compact JSON text with keys in the order they are written.
///
/// Used for every JSON redflag prints, so the output contract's key order is stable.
public struct JSONWriter {
    public private(set) var output = ""
    private var needsComma = [false]

    public init() { output.reserveCapacity(512) }

    public mutating func beginObject() { value(); output.append("{"); needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); output.append("}") }
    public mutating func beginArray() { value(); output.append("["); needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); output.append("]") }

    /// Writes a key; the next call writes its value.
    public mutating func key(_ name: String) {
        separator()
        needsComma[needsComma.count - 1] = true
        Self.appendQuoted(name, to: &output)
        output.append(":")
        afterKey = true
    }

    public mutating func string(_ text: String) { value(); Self.appendQuoted(text, to: &output) }
    public mutating func int(_ number: Int) { value(); output.append(String(number)) }
    public mutating func bool(_ flag: Bool) { value(); output.append(flag ? "true" : "false") }
    public mutating func null() { value(); output.append("null") }

    /// A finite number, rounded to `digits` decimals; JSON has no NaN or infinity, so those become null.
    public mutating func number(_ number: Double, digits: Int = 6) {
        guard number.isFinite else { null(); return }
        value()
        let scale = pow10(digits)
        let rounded = (number * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            output.append(String(Int64(rounded)))
        } else {
            output.append("\(rounded)")
        }
    }

    /// Writes already-encoded JSON text as a value.
    public mutating func raw(_ json: String) { value(); output.append(json) }

    private var afterKey = false

    private mutating func value() {
        if afterKey {
            afterKey = false
            return
        }
        separator()
        needsComma[needsComma.count - 1] = true
    }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { output.append(",") }
    }

    private func pow10(_ digits: Int) -> Double {
        var result = 1.0
        for _ in 0..<digits { result *= 10 }
        return result
    }

    /// Appends `text` as a JSON string literal.
    public static func appendQuoted(_ text: String, to output: inout String) {
        output.append("\"")
        // Byte by byte: every character to escape is ASCII, or U+2028/U+2029 (E2 80 A8/A9); the runs between
        // are copied whole.
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            let byte = utf8[index]
            var escape: String?
            var length = 1
            switch byte {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            case 0xE2:
                let second = utf8.index(after: index)
                if second < utf8.endIndex, utf8[second] == 0x80 {
                    let third = utf8.index(after: second)
                    if third < utf8.endIndex, utf8[third] == 0xA8 || utf8[third] == 0xA9 {
                        escape = utf8[third] == 0xA8 ? "\\u2028" : "\\u2029"
                        length = 3
                    }
                }
            default:
                break
            }
            if let escape {
                output.append(contentsOf: Substring(utf8[start..<index]))
                output.append(escape)
                index = utf8.index(index, offsetBy: length)
                start = index
            } else {
                index = utf8.index(after: index)
            }
        }
        output.append(contentsOf: Substring(utf8[start..<index]))
        output.append("\"")
    }
}
