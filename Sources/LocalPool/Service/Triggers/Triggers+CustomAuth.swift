package import GatehouseCore

/// The CUSTOM_AUTH triggers: DefineAuthChallenge decides what comes next from the rounds so far,
/// CreateAuthChallenge makes a `CUSTOM_CHALLENGE`, VerifyAuthChallengeResponse checks its answer.
extension Triggers {
    /// One round of a custom sign-in, as the triggers' `session` lists it.
    package struct Round: Sendable, Equatable {
        /// `SRP_A`, `PASSWORD_VERIFIER` or `CUSTOM_CHALLENGE`.
        package var challengeName: String
        /// Whether it was passed.
        package var challengeResult: Bool
        /// CreateAuthChallenge's `challengeMetadata` for a custom challenge.
        package var challengeMetadata: String?

        var json: JSONValue {
            .object([
                "challengeName": .string(challengeName), "challengeResult": .bool(challengeResult),
                "challengeMetadata": challengeMetadata.map(JSONValue.string) ?? .null,
            ])
        }
    }

    /// DefineAuthChallenge's decision.
    package enum Decision: Sendable, Equatable {
        case issueTokens
        case fail
        /// The next challenge: `CUSTOM_CHALLENGE`, or `PASSWORD_VERIFIER` (after `SRP_A`).
        case challenge(String)
    }

    /// A challenge CreateAuthChallenge made.
    package struct CustomChallenge: Sendable, Equatable {
        /// Sent to the client.
        package var publicParameters: [String: String]
        /// Kept for VerifyAuthChallengeResponse.
        package var privateParameters: [String: String]
        package var metadata: String?
    }

    /// Who the custom sign-in is for, as the three triggers see it.
    struct CustomAuthCaller: Sendable {
        var pool: PoolRecord
        var clientID: String
        var username: String
        /// Nil for a name the pool does not know but hides (`userNotFound`).
        var user: UserRecord?
        var clientMetadata: [String: String]?

        func request(_ members: [String: JSONValue]) -> [String: JSONValue] {
            var request = members
            request["userAttributes"] = Triggers.attributes(user.map { $0.attributes + [UserRecord.Attribute(name: "sub", value: $0.sub)] } ?? [])
            request["clientMetadata"] = Triggers.strings(clientMetadata ?? [:])
            if user == nil { request["userNotFound"] = .bool(true) }
            return request
        }
    }

    func defineAuthChallenge(_ signIn: CustomAuthCaller, rounds: [Round]) async throws(LocalPoolError) -> Decision {
        let answer = try await run(
            "DefineAuthChallenge",
            arn: signIn.pool.lambdaConfig?.defineAuthChallenge,
            source: "DefineAuthChallenge_Authentication",
            poolID: signIn.pool.id,
            Invocation(
                userName: signIn.user?.username ?? signIn.username,
                clientID: signIn.clientID,
                request: signIn.request(["session": .array(rounds.map(\.json))]),
                response: ["challengeName": .null, "issueTokens": .null, "failAuthentication": .null]
            )
        )
        return try Self.decision(answer ?? [:])
    }

    func createAuthChallenge(_ signIn: CustomAuthCaller, name: String, rounds: [Round]) async throws(LocalPoolError) -> CustomChallenge {
        let answer = try await run(
            "CreateAuthChallenge",
            arn: signIn.pool.lambdaConfig?.createAuthChallenge,
            source: "CreateAuthChallenge_Authentication",
            poolID: signIn.pool.id,
            Invocation(
                userName: signIn.user?.username ?? signIn.username,
                clientID: signIn.clientID,
                request: signIn.request(["challengeName": .string(name), "session": .array(rounds.map(\.json))]),
                response: ["publicChallengeParameters": .null, "privateChallengeParameters": .null, "challengeMetadata": .null]
            )
        )
        guard let answer else { throw Self.unexpected("CreateAuthChallenge", "AccessDeniedException") }
        return try Self.challenge(answer)
    }

    func verifyAuthChallengeResponse(
        _ signIn: CustomAuthCaller,
        privateParameters: [String: String],
        answer: String
    ) async throws(LocalPoolError) -> Bool {
        let response = try await run(
            "VerifyAuthChallengeResponse",
            arn: signIn.pool.lambdaConfig?.verifyAuthChallengeResponse,
            source: "VerifyAuthChallengeResponse_Authentication",
            poolID: signIn.pool.id,
            Invocation(
                userName: signIn.user?.username ?? signIn.username,
                clientID: signIn.clientID,
                request: signIn.request([
                    "privateChallengeParameters": .object(privateParameters.mapValues(JSONValue.string)),
                    "challengeAnswer": .string(answer),
                ]),
                response: ["answerCorrect": .null]
            )
        )
        guard let response else { throw Self.unexpected("VerifyAuthChallengeResponse", "AccessDeniedException") }
        switch response["answerCorrect"] {
        case .bool(let correct)?: return correct
        case nil, .null?: return false
        default: throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
        }
    }

    /// DefineAuthChallenge's answer read: failing wins over tokens, tokens over a challenge.
    package static func decision(_ response: [String: JSONValue]) throws(LocalPoolError) -> Decision {
        func flag(_ name: String) throws(LocalPoolError) -> Bool {
            switch response[name] {
            case .bool(let value)?: return value
            case nil, .null?: return false
            default: throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
            }
        }
        if try flag("failAuthentication") { return .fail }
        if try flag("issueTokens") { return .issueTokens }
        switch response["challengeName"] {
        case .string(let name)? where ["CUSTOM_CHALLENGE", "PASSWORD_VERIFIER"].contains(name): return .challenge(name)
        default: throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
        }
    }

    /// CreateAuthChallenge's answer read: string-to-string parameters, an optional string.
    package static func challenge(_ response: [String: JSONValue]) throws(LocalPoolError) -> CustomChallenge {
        func strings(_ name: String) throws(LocalPoolError) -> [String: String] {
            switch response[name] {
            case nil, .null?: return [:]
            case .object(let members)?:
                var strings: [String: String] = [:]
                for (key, value) in members {
                    guard let text = value.stringValue else { throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output") }
                    strings[key] = text
                }
                return strings
            default: throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
            }
        }
        let metadata: String?
        switch response["challengeMetadata"] {
        case nil, .null?: metadata = nil
        case .string(let text)?: metadata = text
        default: throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
        }
        return CustomChallenge(
            publicParameters: try strings("publicChallengeParameters"),
            privateParameters: try strings("privateChallengeParameters"),
            metadata: metadata
        )
    }
}
