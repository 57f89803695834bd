/// Threat protection around each sign-in step: the address screened before, the result
/// recorded after (see ``ThreatProtection``).
extension AuthOperations {
    /// `ContextData` (admin calls: the end user's address, as the server saw it) and
    /// `UserContextData` (app calls).
    struct ContextDataShape: Decodable, Sendable {
        var ipAddress: String?
    }

    /// The step a call answers: the password (or SRP proof, or new password), or the MFA code.
    enum Step {
        case password, mfa
    }

    /// Where the sign-in comes from: for an admin call, the `ContextData` it passes on; for an
    /// app, the connection's peer (an app's own claim of its address would let it step around
    /// a blocked range).
    static func address(caller: Caller, contextData: ContextDataShape?, api: CognitoAPI) -> String? {
        caller == .admin ? contextData?.ipAddress ?? api.callerAddress : api.callerAddress
    }

    /// `body`, one sign-in step of `username` through `client`, screened and recorded.
    static func watched(
        _ step: Step,
        client: ClientRecord,
        username: String?,
        address: String?,
        api: CognitoAPI,
        _ body: () async throws(LocalPoolError) -> AuthOutcome
    ) async throws(LocalPoolError) -> Outcome {
        // The sign-in's device notes where it came from (`last_ip_used`).
        guard let username else { return Outcome(try await SignInOrigin.with(address, body)) }
        let threats = api.service.threats
        let attempt = ThreatProtection.Attempt(client: client, username: username, ipAddress: address)
        try await threats.screen(attempt)
        let password = AuthEventRecord.Challenge(name: "Password", response: "Success")
        do {
            let outcome = try await SignInOrigin.with(address, body)
            if case .tokens = outcome {
                let mfa = AuthEventRecord.Challenge(name: "Mfa", response: "Success")
                await threats.record(attempt, passed: true, challenges: step == .mfa ? [password, mfa] : [password])
            }
            return Outcome(outcome)
        } catch {
            switch (step, error.name) {
            case (.password, .notAuthorized) where error.message == "Incorrect username or password.":
                await threats.record(attempt, passed: false, challenges: [AuthEventRecord.Challenge(name: "Password", response: "Failure")])
            case (.mfa, .codeMismatch):
                await threats.record(attempt, passed: false, challenges: [password, AuthEventRecord.Challenge(name: "Mfa", response: "Failure")])
            default: break
            }
            throw error
        }
    }
}
