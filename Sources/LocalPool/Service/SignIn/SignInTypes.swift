import Crypto
import Foundation
import GatehouseCore

/// The outcome of a sign-in step: tokens, or a challenge to answer.
public enum AuthOutcome: Sendable {
    /// Signed in (from a new device, when the pool tracks devices: `newDevice` to confirm).
    case tokens(accessToken: String, idToken: String?, refreshToken: String?, expiresIn: Int, newDevice: NewDeviceMetadata? = nil)
    /// A user created with a temporary password must choose their own.
    case newPasswordRequired(session: String, username: String, userAttributes: [UserRecord.Attribute])
    /// Another challenge (`PASSWORD_VERIFIER`, …) with its parameters.
    case challenge(name: ChallengeName, session: String?, parameters: [String: String])
    /// Choice-based sign-in: `SELECT_CHALLENGE`, answered with one of `available`.
    case choice(session: String, available: [String])
}

/// `NewDeviceMetadata`: the device a sign-in came from, for ConfirmDevice.
public struct NewDeviceMetadata: Sendable, Equatable {
    /// `DeviceKey`.
    public let deviceKey: String
    /// `DeviceGroupKey`.
    public let deviceGroupKey: String
}

/// What a sign-in tells the pool's PreTokenGeneration (and PostAuthentication) trigger: the
/// trigger source, and the `ClientMetadata` of the operation that completed it (AdminInitiateAuth
/// and the RespondToAuthChallenge calls pass theirs on; InitiateAuth does not, as on Cognito).
public struct TokenTrigger: Sendable {
    /// `TokenGeneration_Authentication`, `TokenGeneration_NewPasswordChallenge`, ….
    public var source: String
    /// The operation's `ClientMetadata`.
    public var clientMetadata: [String: String]?

    /// A sign-in's tokens (`TokenGeneration_Authentication`).
    public static func authentication(_ clientMetadata: [String: String]? = nil) -> TokenTrigger {
        TokenTrigger(source: "TokenGeneration_Authentication", clientMetadata: clientMetadata)
    }

    /// Tokens right after a new password was chosen (`TokenGeneration_NewPasswordChallenge`).
    public static func newPasswordChallenge(_ clientMetadata: [String: String]? = nil) -> TokenTrigger {
        TokenTrigger(source: "TokenGeneration_NewPasswordChallenge", clientMetadata: clientMetadata)
    }
}

/// Which of the password flows a sign-in came by: the app's `USER_PASSWORD_AUTH`, or the
/// admin's `ADMIN_USER_PASSWORD_AUTH` (each allowed per client).
public enum PasswordFlow: Sendable {
    /// `USER_PASSWORD_AUTH` (InitiateAuth).
    case user
    /// `ADMIN_USER_PASSWORD_AUTH` (AdminInitiateAuth).
    case admin
    /// `USER_AUTH` with the `PASSWORD` choice.
    case choice

    /// Cognito's name for the flow.
    var name: String {
        switch self {
        case .user: "USER_PASSWORD_AUTH"
        case .admin: "ADMIN_USER_PASSWORD_AUTH"
        case .choice: "USER_AUTH"
        }
    }

    /// Whether `client` allows the flow (by its current or legacy name).
    func isAllowed(for client: ClientRecord) -> Bool {
        let flows = client.settings.explicitAuthFlows
        switch self {
        case .user: return flows.contains("ALLOW_USER_PASSWORD_AUTH") || flows.contains("USER_PASSWORD_AUTH")
        case .admin: return flows.contains("ALLOW_ADMIN_USER_PASSWORD_AUTH") || flows.contains("ADMIN_NO_SRP_AUTH")
        case .choice: return flows.contains("ALLOW_USER_AUTH")
        }
    }
}

/// Cognito's `SECRET_HASH` and client secrets: how a client with a secret proves it.
public enum SecretHash {
    /// Base64(HMAC-SHA256(secret, username + clientId)).
    public static func compute(secret: String, clientID: String, username: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((username + clientID).utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// The `SECRET_HASH` `client` would send for `username` (nil for a public client): the
    /// hosted pages act for the client, which proved itself with its registered redirect.
    public static func forClient(_ client: ClientRecord, username: String) -> String? {
        client.secret.map { compute(secret: $0, clientID: client.id, username: username) }
    }

    /// Checks `SECRET_HASH` for clients with a secret, in constant time.
    static func check(_ secretHash: String?, client: ClientRecord, username: String) throws(LocalPoolError) {
        guard client.secret != nil else { return }
        guard let secretHash else {
            throw .notAuthorized("Client \(client.id) is configured with secret but SECRET_HASH was not received")
        }
        // Either secret of a rotation, each compared in constant time.
        let matches = client.secrets.reduce(false) { found, secret in
            ConstantTime.equals(compute(secret: secret.value, clientID: client.id, username: username), secretHash) || found
        }
        guard matches else {
            throw .notAuthorized("Unable to verify secret hash for client \(client.id)")
        }
    }

    /// Checks a confidential client's secret, in constant time.
    public static func checkClientSecret(_ secret: String?, client: ClientRecord) throws(LocalPoolError) {
        guard client.secret != nil else { return }
        guard let secret, client.accepts(secret: secret) else {
            throw LocalPoolError(.notAuthorized, "Unable to verify client secret for \(client.id)")
        }
    }
}

/// Where the sign-in step running comes from: the caller's address, as threat protection sees it.
/// The API sets it around each step; the device a sign-in binds keeps it (`last_ip_used`).
enum SignInOrigin {
    @TaskLocal static var address: String?

    /// `body` run with `address` as its sign-in's origin.
    static func with<T: Sendable>(_ address: String?, _ body: () async throws(LocalPoolError) -> T) async throws(LocalPoolError) -> T {
        let result = await $address.withValue(address) { () async -> Result<T, LocalPoolError> in
            do throws(LocalPoolError) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
