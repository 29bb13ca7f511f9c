import Foundation

/// One record to classify, read from a line of input.
public struct InputRecord: Sendable {
    public let id: RecordID
    public let text: String
    /// 1-based line number in its input.
    public let line: Int
}

/// How lines of input become records.
public enum RecordFormat: Sendable, Hashable {
    /// JSON Lines: one object per line, the text in `textField`, the id in `idField` (else the line number).
    case jsonLines(textField: String, idField: String)
    /// One plain text per line; the id is the line number.
    case plainLines
}

/// Decodes one line of input into a record, or says why it cannot.
public struct RecordDecoder: Sendable {
    public let format: RecordFormat

    public init(format: RecordFormat) { self.format = format }

    /// Decodes `bytes` (one line, without its line end). On failure, returns the error and the id to echo.
    public func decode(_ bytes: ArraySlice<UInt8>, line: Int) -> Result<InputRecord, DecodeFailure> {
        switch format {
        case .plainLines:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .failure(DecodeFailure(id: .line(line), error: Self.invalidUTF8))
            }
            return .success(InputRecord(id: .line(line), text: text, line: line))
        case .jsonLines(let textField, let idField):
            switch Self.jsonObject(bytes) {
            case .success(let fields): return decodeFields(fields, line: line, textField: textField, idField: idField)
            case .failure(let error): return .failure(DecodeFailure(id: .line(line), error: error))
            }
        }
    }

    private static let invalidUTF8 = RecordError(code: "invalid_utf8", message: "line is not valid UTF-8")

    /// The JSON object on one line, or why there is none: `invalid_utf8`, `empty_line`, `invalid_json`,
    /// `not_an_object`. Shared by `scan` and the corpus readers of `eval` and `train`.
    static func jsonObject(_ bytes: ArraySlice<UInt8>) -> Result<[String: Any], RecordError> {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .failure(invalidUTF8) }
        if text.allSatisfy(\.isWhitespace) { return .failure(RecordError(code: "empty_line", message: "line is empty")) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            return .failure(RecordError(code: "invalid_json", message: "line is not valid JSON"))
        }
        guard let fields = object as? [String: Any] else {
            return .failure(RecordError(code: "not_an_object", message: "line is JSON but not an object"))
        }
        return .success(fields)
    }

    private func decodeFields(_ fields: [String: Any], line: Int, textField: String, idField: String)
        -> Result<InputRecord, DecodeFailure>
    {
        func failure(_ code: String, _ message: String, id: RecordID = .line(line)) -> Result<InputRecord, DecodeFailure> {
            .failure(DecodeFailure(id: id, error: RecordError(code: code, message: message)))
        }
        let id = fields[idField].flatMap(Self.recordID) ?? .line(line)
        guard let value = fields[textField], !(value is NSNull) else {
            return failure("missing_field", "no '\(textField)' field", id: id)
        }
        guard let text = value as? String else {
            return failure("wrong_type", "'\(textField)' is not a string", id: id)
        }
        return .success(InputRecord(id: id, text: text, line: line))
    }

    static func recordID(_ value: Any) -> RecordID? {
        if let text = value as? String { return .string(text) }
        if let number = value as? NSNumber, !Self.isBool(number) {
            if let integer = Int64(exactly: number.doubleValue), abs(number.doubleValue) < 9e15 {
                return .number(String(integer))
            }
            return number.doubleValue.isFinite ? .number("\(number.doubleValue)") : nil
        }
        return nil
    }

    /// JSON `true`/`false` arrive as NSNumber too; their type code is `c` (char), never used for numbers.
    private static func isBool(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}

/// A line that could not be decoded: the id to echo and the reason.
public struct DecodeFailure: Error, Sendable {
    public let id: RecordID
    public let error: RecordError
}
