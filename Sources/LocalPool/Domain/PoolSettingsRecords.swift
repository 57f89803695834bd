/// Cognito's `LogConfigurationType`: where a pool's logs of one source go.
public struct LogConfiguration: Codable, Sendable, Equatable {
    /// `CloudWatchLogsConfiguration`.
    public struct CloudWatchLogs: Codable, Sendable, Equatable {
        /// `LogGroupArn`.
        public var logGroupArn: String?
        /// A log group.
        public init(logGroupArn: String?) { self.logGroupArn = logGroupArn }
    }
    /// `S3Configuration`.
    public struct S3: Codable, Sendable, Equatable {
        /// `BucketArn`.
        public var bucketArn: String?
        /// A bucket.
        public init(bucketArn: String?) { self.bucketArn = bucketArn }
    }
    /// `FirehoseConfiguration`.
    public struct Firehose: Codable, Sendable, Equatable {
        /// `StreamArn`.
        public var streamArn: String?
        /// A stream.
        public init(streamArn: String?) { self.streamArn = streamArn }
    }

    /// `ERROR` or `INFO`.
    public var logLevel: String
    /// `userNotification` or `userAuthEvents`.
    public var eventSource: String
    /// Logs to a CloudWatch log group.
    public var cloudWatchLogsConfiguration: CloudWatchLogs?
    /// Logs to an S3 bucket.
    public var s3Configuration: S3?
    /// Logs to a Firehose stream.
    public var firehoseConfiguration: Firehose?

    /// A configuration of `eventSource` at `logLevel`, to one destination.
    public init(
        logLevel: String,
        eventSource: String,
        cloudWatchLogsConfiguration: CloudWatchLogs? = nil,
        s3Configuration: S3? = nil,
        firehoseConfiguration: Firehose? = nil
    ) {
        self.logLevel = logLevel
        self.eventSource = eventSource
        self.cloudWatchLogsConfiguration = cloudWatchLogsConfiguration
        self.s3Configuration = s3Configuration
        self.firehoseConfiguration = firehoseConfiguration
    }

    /// The levels and sources Cognito knows.
    static let levels: Set<String> = ["ERROR", "INFO"]
    static let sources: Set<String> = ["userNotification", "userAuthEvents"]
}

/// Cognito's rules on tags: at most 50 per pool, keys of 1 to 128 characters not starting with
/// `aws:`, values of up to 256, both of letters, spaces, digits and `_.:/=+-@`.
enum TagRules {
    static let maximumTags = 50

    static func check(_ tags: [String: String]) throws(LocalPoolError) {
        guard tags.count <= maximumTags else { throw .invalidParameter("A user pool can have at most \(maximumTags) tags.") }
        for (key, value) in tags {
            guard (1...128).contains(key.count), !key.hasPrefix("aws:"), key.unicodeScalars.allSatisfy(isTagCharacter) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'tags' failed to satisfy constraint: Map keys must have length between 1 and 128, "
                        + "must not start with aws: and must satisfy regular expression pattern: ^((?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"
                )
            }
            guard value.count <= 256, value.unicodeScalars.allSatisfy(isTagCharacter) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'tags' failed to satisfy constraint: Map values must have length less than or equal to 256 "
                        + "and satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"
                )
            }
        }
    }

    private static func isTagCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .spaceSeparator, .lineSeparator, .paragraphSeparator,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }
}
