#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The current time as seconds since 1970, injected wherever a rule depends on it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Double

    /// A clock that reads `read` for the time.
    public init(_ read: @escaping @Sendable () -> Double) {
        self.read = read
    }

    /// Seconds since 1970.
    public func now() -> Double { read() }

    /// The system's real-time clock.
    public static let system = WallClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }

    /// A clock stopped at `seconds`, for tests.
    public static func fixed(_ seconds: Double) -> WallClock {
        WallClock { seconds }
    }
}
