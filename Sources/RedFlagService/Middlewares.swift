import Foundation
import Hummingbird

/// A JSON response with a status.
func jsonResponse(_ json: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = "application/json"
    return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
}

extension APIError {
    var response: Response { jsonResponse(json, status: status, headers: headers) }
}

/// Counts every request and its latency (outermost, so it sees every answer, errors included).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics
    let routes: Set<String>

    private static var methods: Set<String> { ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        metrics.requestStarted()
        let route = routes.contains(request.uri.path) ? request.uri.path : "other"
        let method = Self.methods.contains(request.method.rawValue) ? request.method.rawValue : "other"
        func observe(_ status: Int) {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            metrics.observeRequest(route: route, method: method, status: status, seconds: seconds)
        }
        do {
            let response = try await next(request, context)
            observe(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            observe(error.status.code)
            throw error
        } catch {
            observe(500)
            throw error
        }
    }
}

/// Answers every error as a JSON error object: `APIError`s as they are, Hummingbird's errors with their status,
/// a known path asked with another method as 405 with `Allow`.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods each path answers.
    let allowed: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as HTTPError {
            if error.status == .notFound, let methods = allowed[request.uri.path] {
                var headers = HTTPFields()
                headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
                return APIError(
                    .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.uri.path) answers \(methods.map(\.rawValue).joined(separator: ", ")), not \(request.method.rawValue)",
                    headers: headers
                ).response
            }
            if error.status == .notFound {
                return APIError(.notFound, code: "not_found", message: "no such path: \(request.uri.path)").response
            }
            let code = error.status == .contentTooLarge ? "body_too_large" : "http_error"
            return APIError(error.status, code: code, message: error.body ?? error.status.reasonPhrase).response
        } catch is CancellationError {
            return APIError(.serviceUnavailable, code: "cancelled", message: "the request was cancelled").response
        }
    }
}

/// Requires `Authorization: Bearer TOKEN` on every path but the exempt ones, comparing in constant time.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]
    let exempt: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard exempt.contains(request.uri.path) || authorized(request.headers[.authorization]) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"redflag\""
            throw APIError(
                .unauthorized, code: "unauthorized", message: "a valid 'Authorization: Bearer TOKEN' header is required",
                headers: headers)
        }
        return try await next(request, context)
    }

    private func authorized(_ header: String?) -> Bool {
        guard let header else { return false }
        let utf8 = Array(header.utf8)
        let prefix = Array("Bearer ".utf8)
        guard utf8.count >= prefix.count, utf8[..<prefix.count].elementsEqual(prefix) else { return false }
        return constantTimeEqual(Array(utf8[prefix.count...]), token)
    }
}

/// Whether `given` equals `expected`, in a time that depends only on `expected`'s length (no early exit on the
/// first differing byte, so response times do not leak how much of a guess was right).
public func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
    var difference: UInt8 = given.count == expected.count ? 0 : 1
    for index in expected.indices {
        let byte = index < given.count ? given[index] : 0
        difference |= byte ^ expected[index]
    }
    return difference == 0
}

/// Runs `operation`, or throws a 503 `APIError` naming `request_timeout` when it takes longer than `seconds`;
/// the operation is cancelled then (work on the classifier pool is told to stop).
func withTimeout<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            throw APIError(
                .serviceUnavailable, code: "timeout", message: "the request took longer than \(seconds) s",
                limit: "request_timeout", max: seconds)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
