import Hummingbird

/// Threat protection on the hosted sign-in: an address the pool blocks gets the sign-in page
/// with Cognito's message, and each ended sign-in is recorded (see ``ThreatProtection``).
extension OAuthRoutes {
    /// The sign-in page refusing a blocked address, or nil to go on.
    func screened(_ parameters: AuthorizeRequest, username: String, address: String?) async -> Response? {
        do {
            try await service.threats.screen(ThreatProtection.Attempt(client: parameters.client, username: username, ipAddress: address))
            return nil
        } catch {
            return await show("login", parameters, ["username": username, "error": error.message], status: .unauthorized)
        }
    }

    /// Records the end of a hosted sign-in of `username`: `mfa` nil when no code was asked for,
    /// else whether the code was right.
    func recordSignIn(_ parameters: AuthorizeRequest, username: String, address: String?, passed: Bool, mfa: Bool? = nil) async {
        var challenges = [AuthEventRecord.Challenge(name: "Password", response: passed || mfa != nil ? "Success" : "Failure")]
        if let mfa { challenges.append(AuthEventRecord.Challenge(name: "Mfa", response: mfa ? "Success" : "Failure")) }
        await service.threats.record(
            ThreatProtection.Attempt(client: parameters.client, username: username, ipAddress: address),
            passed: passed,
            challenges: challenges
        )
    }
}
