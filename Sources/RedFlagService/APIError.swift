import Hummingbird
import RedFlag

/// An error answered to the client as `{"error": {"code", "message", "limit"?, "max"?}}` with an HTTP status.
public struct APIError: Error, Sendable, Hashable {
    public let status: HTTPResponse.Status
    /// A stable code, such as `body_too_large` or `invalid_json`.
    public let code: String
    public let message: String
    /// The limit that was exceeded (`max_body_bytes`, `max_batch`, `max_text_bytes`, `request_timeout`), if any.
    public let limit: String?
    /// The limit's value, if any.
    public let max: Double?
    /// Extra response headers (`Allow`, `WWW-Authenticate`).
    public let headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, limit: String? = nil, max: Double? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.limit = limit
        self.max = max
        self.headers = headers
    }

    /// The JSON body.
    public var json: String {
        var json = JSONWriter()
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.key("code"); json.string(code)
        json.key("message"); json.string(message)
        if let limit { json.key("limit"); json.string(limit) }
        if let max { json.key("max"); json.number(max) }
        json.endObject()
        json.endObject()
        return json.output
    }

    static func overLimit(_ code: String, _ message: String, limit: String, max: Int) -> APIError {
        APIError(.contentTooLarge, code: code, message: message, limit: limit, max: Double(max))
    }
}
