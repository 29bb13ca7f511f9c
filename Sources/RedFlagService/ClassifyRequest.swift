import Foundation
import RedFlag

/// A `POST /v1/classify` body, decoded: one text, or a batch of items each a text or an error record.
///
/// Shapes (docs/output.md, "The HTTP service"):
/// - one text: `{"text": "…", "id"?: string or number, "language"?: "xx"}` → one verdict;
/// - a batch of texts: `{"texts": ["…", …], "language"?: "xx"}` → `{"results": [...]}`, ids 1, 2, …;
/// - a batch of records: `{"records": [{"text", "id"?, "language"?}, …], "language"?: "xx"}` → `{"results": [...]}`.
/// In a batch every item yields exactly one result, in order: a verdict or an error record whose `line` is the
/// item's 1-based position.
enum ClassifyRequest {
    /// One text to classify, or the error record to answer instead.
    struct Item: Sendable {
        let id: RecordID
        let position: Int
        let content: Result<(text: String, language: String?), RecordError>
    }

    case single(id: RecordID, text: String, language: String?)
    case batch([Item])

    private static let decoder = RecordDecoder(format: .jsonLines(textField: "text", idField: "id"))

    /// Decodes a request body, enforcing the batch and text size limits.
    static func decode(_ body: [UInt8], limits: ServiceLimits) -> Result<ClassifyRequest, APIError> {
        func bad(_ code: String, _ message: String) -> Result<ClassifyRequest, APIError> {
            .failure(APIError(.badRequest, code: code, message: message))
        }
        guard String(validating: body, as: UTF8.self) != nil else { return bad("invalid_utf8", "the body is not valid UTF-8") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            return bad("invalid_json", "the body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else { return bad("not_an_object", "the body is JSON but not an object") }
        let shapes = ["text", "texts", "records"].filter { fields[$0] != nil }
        guard shapes.count == 1, let shape = shapes.first else {
            return shapes.isEmpty
                ? bad("missing_field", "the body has none of the fields 'text', 'texts' and 'records'")
                : bad("conflicting_fields", "the body has more than one of 'text', 'texts' and 'records'")
        }
        let language: String?
        switch fields["language"] {
        case nil, is NSNull: language = nil
        case let code as String: language = code
        default: return bad("wrong_type", "'language' is not a string")
        }
        if shape == "text" {
            switch decoder.decode(body[...], line: 1) {
            case .failure(let failure):
                return bad(failure.error.code, failure.error.message)
            case .success(let record):
                guard record.text.utf8.count <= limits.maxTextBytes else {
                    return .failure(.overLimit(
                        "text_too_large", "the text is \(record.text.utf8.count) bytes, over the limit of \(limits.maxTextBytes)",
                        limit: "max_text_bytes", max: limits.maxTextBytes))
                }
                return .success(.single(id: record.id, text: record.text, language: language))
            }
        }
        guard let items = fields[shape] as? [Any] else { return bad("wrong_type", "'\(shape)' is not an array") }
        guard items.count <= limits.maxBatch else {
            return .failure(.overLimit(
                "batch_too_large", "the batch has \(items.count) items, over the limit of \(limits.maxBatch)",
                limit: "max_batch", max: limits.maxBatch))
        }
        let decoded = items.enumerated().map { offset, value in
            shape == "texts"
                ? text(value, position: offset + 1, language: language, limits: limits)
                : record(value, position: offset + 1, language: language, limits: limits)
        }
        return .success(.batch(decoded))
    }

    private static func text(_ value: Any, position: Int, language: String?, limits: ServiceLimits) -> Item {
        let id = RecordID.line(position)
        switch value {
        case let text as String:
            return Item(id: id, position: position, content: checked(text, language: language, limits: limits))
        case is NSNull:
            return Item(id: id, position: position, content: .failure(RecordError(code: "missing_field", message: "the text is null")))
        default:
            return Item(id: id, position: position, content: .failure(RecordError(code: "wrong_type", message: "the text is not a string")))
        }
    }

    private static func record(_ value: Any, position: Int, language: String?, limits: ServiceLimits) -> Item {
        guard let fields = value as? [String: Any],
            let bytes = try? JSONSerialization.data(withJSONObject: fields, options: [.fragmentsAllowed])
        else {
            return Item(
                id: .line(position), position: position,
                content: .failure(RecordError(code: "not_an_object", message: "the record is not a JSON object")))
        }
        switch decoder.decode(Array(bytes)[...], line: position) {
        case .failure(let failure):
            return Item(id: failure.id, position: position, content: .failure(failure.error))
        case .success(let record):
            switch fields["language"] {
            case nil, is NSNull:
                return Item(id: record.id, position: position, content: checked(record.text, language: language, limits: limits))
            case let code as String:
                return Item(id: record.id, position: position, content: checked(record.text, language: code, limits: limits))
            default:
                return Item(
                    id: record.id, position: position,
                    content: .failure(RecordError(code: "wrong_type", message: "'language' is not a string")))
            }
        }
    }

    private static func checked(_ text: String, language: String?, limits: ServiceLimits)
        -> Result<(text: String, language: String?), RecordError>
    {
        guard text.utf8.count <= limits.maxTextBytes else {
            return .failure(RecordError(
                code: "text_too_large",
                message: "the text is \(text.utf8.count) bytes, over the max_text_bytes limit of \(limits.maxTextBytes)"))
        }
        return .success((text, language))
    }
}

/// The answer to a classify request: the JSON body and what became of each text.
struct ClassifyResponse: Sendable {
    let json: String
    let outcomes: [ClassifyOutcome]

    /// Classifies what `request` holds with `scanner`; stops early (with an incomplete answer nobody reads) when
    /// the request was cancelled.
    static func classify(_ request: ClassifyRequest, scanner: RuleScanner, cancellation: Cancellation) -> ClassifyResponse {
        switch request {
        case .single(let id, let text, let language):
            let verdict = scanner.classify(text, language: language)
            return ClassifyResponse(json: verdict.json(id: id), outcomes: [outcome(verdict)])
        case .batch(let items):
            var json = "{\"results\":["
            var outcomes: [ClassifyOutcome] = []
            outcomes.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                if cancellation.isCancelled { break }
                if index > 0 { json += "," }
                switch item.content {
                case .success(let input):
                    let verdict = scanner.classify(input.text, language: input.language)
                    json += verdict.json(id: item.id)
                    outcomes.append(outcome(verdict))
                case .failure(let error):
                    json += error.json(id: item.id, line: item.position)
                    outcomes.append(.failed(code: error.code))
                }
            }
            json += "]}"
            return ClassifyResponse(json: json, outcomes: outcomes)
        }
    }

    private static func outcome(_ verdict: Verdict) -> ClassifyOutcome {
        var seen = Set<String>()
        return .classified(verdict.label, rules: verdict.evidence.map(\.rule).filter { seen.insert($0).inserted })
    }
}
