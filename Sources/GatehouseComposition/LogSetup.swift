public import GatehouseHTTP
public import Logging

/// How a process logs: Gatehouse's handler, its format and level from the environment. The
/// executables bootstrap `LoggingSystem` with ``handler(label:)``; libraries only take loggers.
public struct LogSetup: Sendable, Equatable {
    /// Plain lines or JSON lines.
    public var format: GatehouseLogHandler.Format
    /// The lowest level written.
    public var level: Logger.Level

    /// `gatehouse serve`: `GATEHOUSE_LOG_FORMAT=json` or plain; the level from `levelFlag`, else
    /// `LOG_LEVEL`, else info.
    public static func serve(environment: [String: String], levelFlag: String? = nil) -> LogSetup {
        LogSetup(
            format: environment["GATEHOUSE_LOG_FORMAT"]?.lowercased() == "json" ? .json : .plain,
            level: level(named: levelFlag ?? environment["LOG_LEVEL"]) ?? .info
        )
    }

    /// The Lambda: JSON lines when `AWS_LAMBDA_LOG_FORMAT=JSON` (or `GATEHOUSE_LOG_FORMAT=json`);
    /// the level from `AWS_LAMBDA_LOG_LEVEL` or `LOG_LEVEL`.
    public static func lambda(environment: [String: String]) -> LogSetup {
        LogSetup(
            format: environment["AWS_LAMBDA_LOG_FORMAT"]?.uppercased() == "JSON" || environment["GATEHOUSE_LOG_FORMAT"]?.lowercased() == "json"
                ? .json : .plain,
            level: level(named: environment["AWS_LAMBDA_LOG_LEVEL"] ?? environment["LOG_LEVEL"]) ?? .info
        )
    }

    /// swift-log's level names and Lambda's (`TRACE` … `FATAL`, `WARN`), in any case.
    public static func level(named name: String?) -> Logger.Level? {
        guard let name = name?.lowercased() else { return nil }
        switch name {
        case "warn": return .warning
        case "fatal": return .critical
        default: return Logger.Level(rawValue: name)
        }
    }

    /// The handler for a logger called `label`, for `LoggingSystem.bootstrap`.
    public func handler(label: String) -> GatehouseLogHandler {
        GatehouseLogHandler(label: label, format: format, logLevel: level)
    }
}
