/// The id of an input record as it is echoed in the output: the input's own id, or its line number.
public enum RecordID: Sendable, Hashable {
    case string(String)
    /// A JSON number, kept as written.
    case number(String)
    case line(Int)

    /// The id as a JSON value.
    public var json: String {
        var json = JSONWriter()
        write(to: &json)
        return json.output
    }

    func write(to json: inout JSONWriter) {
        switch self {
        case .string(let text): json.string(text)
        case .number(let literal): json.raw(literal)
        case .line(let number): json.int(number)
        }
    }
}

extension Verdict {
    /// The verdict as one JSON object of the output contract (docs/output.md), without a newline. `gold`
    /// adds the record's gold label (`redflag eval --predictions`).
    public func json(id: RecordID, gold: Bool? = nil) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.key("id"); id.write(to: &json)
        json.key("label"); json.string(label.rawValue)
        json.key("probability"); json.number(probability)
        json.key("score"); json.number(score)
        json.key("tactics"); json.beginArray(); tactics.forEach { json.string($0) }; json.endArray()
        json.key("evidence")
        json.beginArray()
        for item in evidence {
            json.beginObject()
            json.key("rule"); json.string(item.rule)
            json.key("tactic"); json.string(item.tactic)
            json.key("weight"); json.number(item.weight)
            json.key("describe"); json.string(item.describe)
            json.key("text"); json.string(item.text)
            json.key("start"); json.int(item.start)
            json.key("end"); json.int(item.end)
            json.key("char_start"); json.int(item.charStart)
            json.key("char_end"); json.int(item.charEnd)
            if !item.parts.isEmpty {
                json.key("parts"); json.beginArray(); item.parts.forEach { json.string($0) }; json.endArray()
            }
            if !item.tricks.isEmpty {
                json.key("tricks"); json.beginArray(); item.tricks.forEach { json.string($0) }; json.endArray()
            }
            json.endObject()
        }
        json.endArray()
        json.key("warnings")
        json.beginArray()
        for warning in warnings {
            json.beginObject()
            json.key("code"); json.string(warning.code)
            json.key("message"); json.string(warning.message)
            if let rule = warning.rule { json.key("rule"); json.string(rule) }
            json.endObject()
        }
        json.endArray()
        json.key("language"); if let language { json.string(language) } else { json.null() }
        json.key("entities")
        json.beginArray()
        for entity in entities {
            json.beginObject()
            json.key("type"); json.string(entity.kind.rawValue)
            json.key("text"); json.string(entity.text)
            json.key("start"); json.int(entity.start)
            json.key("end"); json.int(entity.end)
            json.key("value")
            json.beginObject()
            for (key, value) in entity.value {
                json.key(key)
                switch value {
                case .string(let text): json.string(text)
                case .number(let number): json.number(number, digits: 2)
                case .bool(let flag): json.bool(flag)
                }
            }
            json.endObject()
            json.endObject()
        }
        json.endArray()
        if let lexical {
            json.key("lexical")
            json.beginObject()
            json.key("score"); json.number(lexical.score)
            json.key("words")
            json.beginArray()
            for word in lexical.words {
                json.beginObject()
                json.key("feature"); json.string(word.feature)
                json.key("contribution"); json.number(word.contribution)
                json.key("text"); json.string(word.text)
                json.key("start"); json.int(word.start)
                json.key("end"); json.int(word.end)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        if let gold { json.key("gold"); json.string(gold ? "scam" : "legit") }
        json.endObject()
        return json.output
    }
}

/// Why one input record could not be classified.
public struct RecordError: Error, Sendable, Hashable {
    /// A stable code: `invalid_utf8`, `invalid_json`, `not_an_object`, `missing_field`, `wrong_type`, `empty_line`.
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The error record of the output contract: `{"id", "error": {"code", "message", "line"}}`.
    public func json(id: RecordID, line: Int) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.key("id"); id.write(to: &json)
        json.key("error")
        json.beginObject()
        json.key("code"); json.string(code)
        json.key("message"); json.string(message)
        json.key("line"); json.int(line)
        json.endObject()
        json.endObject()
        return json.output
    }
}
