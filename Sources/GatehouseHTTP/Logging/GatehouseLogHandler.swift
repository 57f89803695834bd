import GatehouseCore
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A log handler writing one line per event to standard error, as plain text or JSON.
///
/// Metadata is stored as given and rendered only when an event is written, so setting
/// per-request metadata (request ids) costs a dictionary write, not a string render.
public struct GatehouseLogHandler: LogHandler {
    /// How lines are written.
    public enum Format: Sendable {
        /// `2026-11-25T08:00:00Z info gatehouse: message key=value …`
        case plain
        /// `{"timestamp":…,"level":…,"logger":…,"message":…,<metadata>}`
        case json
    }

    /// The logger's label.
    public let label: String
    /// The line format.
    public let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for `label` writing `format` lines at `logLevel` and above.
    public init(label: String, format: Format = .plain, logLevel: Logger.Level = .info) {
        self.label = label
        self.format = format
        self.logLevel = logLevel
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = render(level: event.level, message: event.message.description, metadata: merged)
        Self.write(line)
    }

    /// One rendered line, newline included.
    public func render(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let timestamp = Self.timestamp()
        let keys = metadata.keys.sorted()
        switch format {
        case .plain:
            var line = "\(timestamp) \(level) \(label): \(message)"
            for key in keys { line += " \(key)=\(metadata[key]!)" }
            return line + "\n"
        case .json:
            var writer = JSONWriter()
            writer.add("timestamp", timestamp)
            writer.add("level", level.rawValue.uppercased())
            writer.add("logger", label)
            writer.add("message", message)
            for key in keys where !["timestamp", "level", "logger", "message"].contains(key) {
                writer.add(key, metadata[key]!.description)
            }
            return String(decoding: writer.finish(), as: UTF8.self) + "\n"
        }
    }

    private static let lock = Mutex(())

    private static func write(_ line: String) {
        lock.withLock { _ in
            var line = line
            line.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// UTC time as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func timestamp() -> String {
        let now = WallClock.system.now()
        let millis = Int((now - now.rounded(.down)) * 1000)
        let fraction = String(millis)
        return UTCDate(secondsSince1970: now).extendedDateTime + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }
}

/// `write(2)` from the platform's C library (unqualified, it would be the log handler's own).
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, buffer, count)
    #elseif canImport(Musl)
    Musl.write(descriptor, buffer, count)
    #elseif canImport(Darwin)
    Darwin.write(descriptor, buffer, count)
    #endif
}
