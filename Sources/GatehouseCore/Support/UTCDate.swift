/// A UTC calendar date and time of day, computed from seconds since 1970 without Foundation.
public struct UTCDate: Sendable, Equatable {
    /// The year.
    public let year: Int64
    /// The month, 1 to 12.
    public let month: Int64
    /// The day of the month, 1 to 31.
    public let day: Int64
    /// The hour, 0 to 23.
    public let hour: Int64
    /// The minute, 0 to 59.
    public let minute: Int64
    /// The second, 0 to 59.
    public let second: Int64

    /// The date `seconds` after 1970-01-01T00:00:00Z (fractions dropped).
    public init(secondsSince1970 seconds: Double) {
        let whole = Int64(seconds.rounded(.down))
        let days = whole >= 0 ? whole / 86400 : (whole - 86399) / 86400
        let secondOfDay = whole - days * 86400
        // Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
    }

    /// `YYYYMMDD`.
    public var basicDate: String { pad(year, 4) + pad(month, 2) + pad(day, 2) }

    /// `YYYYMMDD'T'HHMMSS'Z'`, as SigV4's `X-Amz-Date`.
    public var basicDateTime: String { basicDate + "T" + pad(hour, 2) + pad(minute, 2) + pad(second, 2) + "Z" }

    /// `YYYY-MM-DDTHH:MM:SS`, ISO 8601 without zone.
    public var extendedDateTime: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension UTCDate {
    /// Seconds since 1970 of a SigV4 `YYYYMMDD'T'HHMMSS'Z'` timestamp, or nil when it is not one
    /// (wrong shape, a month 13, a 25th hour, …).
    public static func secondsSince1970(basicDateTime text: String) -> Double? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8), let hour = number(9..<11),
            let minute = number(11..<13), let second = number(13..<15), (1...12).contains(month), (1...31).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        // Howard Hinnant's days-from-civil algorithm.
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = Double(days * 86400 + hour * 3600 + minute * 60 + second)
        // A 31st of a short month would roll over: the round trip catches it.
        guard UTCDate(secondsSince1970: seconds).basicDateTime == text else { return nil }
        return seconds
    }
}
