/// A pool's `LambdaConfig`: the function each trigger calls, by ARN
/// (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`), as Cognito stores it.
public struct LambdaTriggers: Codable, Sendable, Equatable {
    /// `PreSignUp`.
    public var preSignUp: String?
    /// `CustomMessage`.
    public var customMessage: String?
    /// `PostConfirmation`.
    public var postConfirmation: String?
    /// `PreAuthentication`.
    public var preAuthentication: String?
    /// `PostAuthentication`.
    public var postAuthentication: String?
    /// `DefineAuthChallenge`.
    public var defineAuthChallenge: String?
    /// `CreateAuthChallenge`.
    public var createAuthChallenge: String?
    /// `VerifyAuthChallengeResponse`.
    public var verifyAuthChallengeResponse: String?
    /// `PreTokenGeneration` (the V1_0 event unless `preTokenGenerationConfig` says otherwise).
    public var preTokenGeneration: String?
    /// `PreTokenGenerationConfig`: the event version and the function.
    public var preTokenGenerationConfig: PreTokenGenerationConfig?
    /// `UserMigration`.
    public var userMigration: String?

    /// `PreTokenGenerationVersionConfigType`.
    public struct PreTokenGenerationConfig: Codable, Sendable, Equatable {
        /// `V1_0`, `V2_0` or `V3_0`.
        public var lambdaVersion: String
        /// The function's ARN.
        public var lambdaArn: String

        /// A version and a function.
        public init(lambdaVersion: String, lambdaArn: String) {
            self.lambdaVersion = lambdaVersion
            self.lambdaArn = lambdaArn
        }
    }

    /// No trigger.
    public init() {}

    /// Whether no trigger is set.
    public var isEmpty: Bool { self == LambdaTriggers() }

    /// The function and event version of the pre token generation trigger, if set.
    public var tokenGeneration: (arn: String, version: String)? {
        if let config = preTokenGenerationConfig { return (config.lambdaArn, config.lambdaVersion) }
        return preTokenGeneration.map { ($0, "V1_0") }
    }
}

extension LambdaTriggers {
    /// Each trigger's name as Cognito's API spells it, with its function.
    public var configured: [(trigger: String, arn: String)] {
        let all: [(String, String?)] = [
            ("PreSignUp", preSignUp), ("CustomMessage", customMessage), ("PostConfirmation", postConfirmation),
            ("PreAuthentication", preAuthentication), ("PostAuthentication", postAuthentication),
            ("DefineAuthChallenge", defineAuthChallenge), ("CreateAuthChallenge", createAuthChallenge),
            ("VerifyAuthChallengeResponse", verifyAuthChallengeResponse), ("PreTokenGeneration", preTokenGeneration),
            ("PreTokenGenerationConfig.LambdaArn", preTokenGenerationConfig?.lambdaArn), ("UserMigration", userMigration),
        ]
        return all.compactMap { name, arn in arn.map { (name, $0) } }
    }

    /// The function name of a Lambda function ARN, `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME`
    /// with an optional `:QUALIFIER` (a version or an alias), or nil when `arn` is not one.
    public static func functionName(of arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard arn.utf8.count >= 20, arn.utf8.count <= 2048, parts.count == 7 || parts.count == 8, parts[0] == "arn",
            ["aws", "aws-cn", "aws-us-gov"].contains(parts[1]), parts[2] == "lambda", parts[5] == "function",
            !parts[3].isEmpty, parts[3].utf8.allSatisfy({ isRegionByte($0) }),
            parts[4].utf8.count == 12, parts[4].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            (1...64).contains(parts[6].utf8.count), parts[6].utf8.allSatisfy(isNameByte),
            parts.count == 7 || ((1...128).contains(parts[7].utf8.count) && parts[7].utf8.allSatisfy(isNameByte))
        else { return nil }
        return String(parts[6])
    }

    private static func isRegionByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2D || byte == 0x5F
    }

    /// The configuration as stored: every ARN a Lambda function's, the event version one of
    /// Cognito's, and `PreTokenGeneration` the same function as its config (filled from it when
    /// left out, as Cognito describes it). Nil when no trigger is set.
    public func checked() throws(LocalPoolError) -> LambdaTriggers? {
        for (trigger, arn) in configured where Self.functionName(of: arn) == nil {
            throw .invalidParameter("Invalid Lambda function ARN for \(trigger): it must be arn:aws:lambda:REGION:ACCOUNT:function:NAME.")
        }
        var triggers = self
        if let config = preTokenGenerationConfig {
            guard ["V1_0", "V2_0", "V3_0"].contains(config.lambdaVersion) else {
                throw .invalidParameter(
                    "1 validation error detected: Value at 'lambdaConfig.preTokenGenerationConfig.lambdaVersion' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [V1_0, V2_0, V3_0]"
                )
            }
            guard preTokenGeneration == nil || preTokenGeneration == config.lambdaArn else {
                throw .invalidParameter("PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must name the same function.")
            }
            triggers.preTokenGeneration = config.lambdaArn
        }
        return triggers.isEmpty ? nil : triggers
    }
}
