import Foundation
import Hummingbird
import Logging
import NIOCore
import RedFlag
import ServiceLifecycle

/// How the service is set up: where it listens, its limits, its optional token.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var limits: ServiceLimits
    /// When set, every path but `/healthz` requires `Authorization: Bearer TOKEN`.
    public var token: [UInt8]?

    public init(host: String = "127.0.0.1", port: Int = 8080, limits: ServiceLimits = ServiceLimits(), token: [UInt8]? = nil) {
        self.host = host
        self.port = port
        self.limits = limits
        self.token = token
    }
}

/// The service's routes, in one place: path → methods answered.
enum Routes {
    static let classify = "/v1/classify"
    static let rules = "/v1/rules"
    static let tactics = "/v1/tactics"
    static let health = "/healthz"
    static let metrics = "/metrics"
    static let openAPI = "/openapi.json"

    static let allowed: [String: [HTTPRequest.Method]] = [
        classify: [.post], rules: [.get], tactics: [.get], health: [.get], metrics: [.get], openAPI: [.get],
    ]
}

/// Builds the Hummingbird application: routes, middlewares (metrics, JSON errors, auth), limits.
///
/// - Parameter onRunning: called with the port once the server listens (the real one when asked for port 0).
public func makeApplication(
    configuration: ServiceConfiguration, pool: ClassifierPool, metrics: ServiceMetrics, services: [any Service],
    logger: Logger, onRunning: @escaping @Sendable (Int) -> Void
) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics, routes: Set(Routes.allowed.keys)))
    router.add(middleware: JSONErrorMiddleware(allowed: Routes.allowed))
    if let token = configuration.token {
        router.add(middleware: BearerAuthMiddleware(token: token, exempt: [Routes.health]))
    }
    let limits = configuration.limits

    router.post(RouterPath(Routes.classify)) { request, _ -> Response in
        try await withTimeout(limits.requestTimeout) {
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maxBodyBytes {
                throw bodyTooLarge(limits)
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limits.maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw bodyTooLarge(limits)
            }
            let bytes = Array(buffer: body)
            let answer: Result<ClassifyResponse, APIError> = try await pool.run { scanner, cancellation in
                ClassifyRequest.decode(bytes, limits: limits).map {
                    ClassifyResponse.classify($0, scanner: scanner, cancellation: cancellation)
                }
            }
            let response = try answer.get()
            metrics.observe(response.outcomes)
            return jsonResponse(response.json)
        }
    }
    router.get(RouterPath(Routes.rules)) { _, _ -> Response in
        let ruleSet = pool.ruleSet
        var json = "{\"name\":\(quoted(ruleSet.settings.name)),\"version\":\(quoted(ruleSet.settings.version))"
        json += ",\"fingerprint\":\(quoted(ruleSet.fingerprint)),\"count\":\(ruleSet.rules.count),\"rules\":["
        json += ruleSet.rules.map { $0.json() }.joined(separator: ",")
        json += "]}"
        return jsonResponse(json)
    }
    router.get(RouterPath(Routes.tactics)) { _, _ -> Response in
        jsonResponse("{\"tactics\":[" + pool.ruleSet.tactics.map { $0.json() }.joined(separator: ",") + "]}")
    }
    router.get(RouterPath(Routes.health)) { _, _ -> Response in
        let ruleSet = pool.ruleSet
        return jsonResponse(
            "{\"status\":\"ok\",\"version\":\(quoted(RedFlagVersion.current)),\"rules\":\(ruleSet.rules.count),\"fingerprint\":\(quoted(ruleSet.fingerprint))}")
    }
    router.get(RouterPath(Routes.metrics)) { _, _ -> Response in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
    }
    router.get(RouterPath(Routes.openAPI)) { _, _ -> Response in
        jsonResponse(OpenAPIDocument.json)
    }

    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(75))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "redflag/\(RedFlagVersion.current)"),
        services: services,
        onServerRunning: { channel in onRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

private func bodyTooLarge(_ limits: ServiceLimits) -> APIError {
    .overLimit(
        "body_too_large", "the request body is over the limit of \(limits.maxBodyBytes) bytes",
        limit: "max_body_bytes", max: limits.maxBodyBytes)
}

private func quoted(_ text: String) -> String {
    var json = JSONWriter()
    json.string(text)
    return json.output
}
