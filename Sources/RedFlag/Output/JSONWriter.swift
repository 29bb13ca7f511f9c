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
        var start = text.unicodeScalars.startIndex
        var index = start
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\u{2028}": escape = "\\u2028"
            case "\u{2029}": escape = "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escape = nil
                }
            }
            if let escape {
                output.unicodeScalars.append(contentsOf: scalars[start..<index])
                output.append(escape)
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        output.unicodeScalars.append(contentsOf: scalars[start..<index])
        output.append("\"")
    }
}
