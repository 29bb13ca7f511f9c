extension Rule {
    /// The rule as one JSON object (`redflag rules list --json`, the service's `GET /v1/rules`): `id`, `tactic`,
    /// `languages`, `weight`, `describe`, `describe_local` (when present), `kind`, `source`, `unless` (when
    /// present), `location`.
    public func json() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.key("id"); json.string(id)
        json.key("tactic"); if let tactic { json.string(tactic) } else { json.null() }
        json.key("languages"); json.beginArray(); languages.forEach { json.string($0) }; json.endArray()
        json.key("weight"); json.number(weight)
        json.key("describe"); json.string(describe)
        if !describeLocal.isEmpty {
            json.key("describe_local")
            json.beginObject()
            for (language, text) in describeLocal.sorted(by: { $0.key < $1.key }) { json.key(language); json.string(text) }
            json.endObject()
        }
        json.key("kind")
        switch body {
        case .pattern: json.string(isSubRule ? "sub-rule" : "pattern")
        case .meta: json.string("meta")
        }
        json.key("source"); json.string(source)
        if !unless.isEmpty {
            json.key("unless"); json.beginArray(); unless.forEach { json.string($0) }; json.endArray()
        }
        json.key("location"); json.string(location.description)
        json.endObject()
        return json.output
    }
}

extension Tactic {
    /// The tactic as one JSON object: `id`, `describe`.
    public func json() -> String {
        var json = JSONWriter()
        json.beginObject()
        json.key("id"); json.string(id)
        json.key("describe"); json.string(describe)
        json.endObject()
        return json.output
    }
}
