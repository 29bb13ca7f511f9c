/// Reads CSV text (RFC 4180): comma-separated fields, fields in double quotes may hold commas, line breaks and
/// doubled quotes (`""`). CRLF and LF line ends are both accepted.
public enum CSVReader {
    /// One record and the 1-based line on which it starts.
    public struct Row: Sendable, Hashable {
        public let fields: [String]
        public let line: Int
    }

    /// A quote that is never closed, at the line where its field starts.
    public struct UnterminatedQuote: Error, Sendable, Hashable {
        public let line: Int
    }

    /// Every record of `text`; blank lines are skipped.
    public static func rows(_ text: String) throws(UnterminatedQuote) -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, rowLine = 1, quoteLine = 1
        var inQuotes = false, fieldWasQuoted = false
        let bytes = Array(text.utf8)
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRow() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(fields: fields, line: rowLine)) }
            fields.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    if field.isEmpty && !fieldWasQuoted {
                        inQuotes = true
                        fieldWasQuoted = true
                        quoteLine = line
                    } else {
                        field.append(byte)
                    }
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n"):
                    break
                case UInt8(ascii: "\n"):
                    endRow()
                    line += 1
                    rowLine = line
                default:
                    field.append(byte)
                }
            }
            index += 1
        }
        if inQuotes { throw UnterminatedQuote(line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }
}
