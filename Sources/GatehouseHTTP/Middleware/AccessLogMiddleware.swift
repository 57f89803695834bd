public import HTTPTypes
public import Hummingbird
public import Logging

/// Logs each request once it is answered: method, path (never the query), status, duration.
/// Headers are logged at `debug` only, with credentials redacted.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = GatehouseRequestContext

    /// Headers whose values never reach a log.
    public static let redactedHeaders: Set<String> = [
        "authorization", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization",
    ]

    /// A middleware.
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        if context.logger.logLevel <= .debug {
            context.logger.debug(
                "gatehouse.request.headers",
                metadata: ["gatehouse.request.headers": .dictionary(Self.redacted(request.headers))]
            )
        }
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "gatehouse.request.done",
            metadata: [
                "gatehouse.request.method": "\(request.method.rawValue)",
                "gatehouse.request.path": "\(request.uri.path)",
                "gatehouse.response.status": "\(response.status.code)",
                "gatehouse.response.ms": "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
            ]
        )
        return response
    }

    /// The headers as log metadata, credential values replaced by `<redacted>`.
    public static func redacted(_ headers: HTTPFields) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for field in headers {
            let name = field.name.canonicalName
            metadata[name] = redactedHeaders.contains(name) ? "<redacted>" : "\(field.value)"
        }
        return metadata
    }
}
