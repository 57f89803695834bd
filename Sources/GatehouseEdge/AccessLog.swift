public import HTTPTypes
public import Hummingbird
public import Logging

/// One log line per answered request (method, path but never the query, status, duration);
/// headers only at `debug`, with credentials redacted.
public enum AccessLog {
    /// Headers whose values never reach a log.
    public static let redactedHeaders: Set<String> = [
        "authorization", "cookie", "set-cookie", "x-amz-security-token", "proxy-authorization",
    ]

    /// The headers as log metadata, credential values replaced by `<redacted>`.
    public static func redacted(_ headers: HTTPFields) -> Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        for field in headers {
            let name = field.name.canonicalName
            metadata[name] = redactedHeaders.contains(name) ? "<redacted>" : "\(field.value)"
        }
        return metadata
    }

    @usableFromInline
    static func headers(of request: Request, logger: Logger) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("gatehouse.request.headers", metadata: ["gatehouse.request.headers": .dictionary(redacted(request.headers))])
    }

    @usableFromInline
    static func done(_ request: Request, response: Response, since start: ContinuousClock.Instant, logger: Logger) {
        guard logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "gatehouse.request.done",
            metadata: [
                "gatehouse.request.method": "\(request.method.rawValue)",
                "gatehouse.request.path": "\(request.uri.path)",
                "gatehouse.response.status": "\(response.status.code)",
                "gatehouse.response.ms": "\(milliseconds)",
            ]
        )
    }
}
