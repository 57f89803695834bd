import Crypto
public import GatehouseCore
import Logging

/// Passkeys (WebAuthn): registered with StartWebAuthnRegistration and
/// CompleteWebAuthnRegistration, listed and deleted, and asserted to sign in (`WEB_AUTHN`). The
/// pool must allow `WEB_AUTHN` as a first factor; the relying party is the pool's
/// `WebAuthnConfiguration.RelyingPartyId`, `localhost` when it has none.
public struct Passkeys: Sendable {
    let context: PoolContext
    let pools: PoolAdministration
    let users: UserAccounts

    /// How long a registration or sign-in challenge may be answered, in seconds.
    static let ceremonyLifetime = 180.0

    /// The relying party id of `pool`'s passkeys.
    static func relyingPartyID(_ pool: PoolRecord) -> String { pool.webAuthn?.relyingPartyId ?? "localhost" }

    /// StartWebAuthnRegistration: the `CredentialCreationOptions` for `user`'s next passkey.
    public func startRegistration(user: UserRecord) async throws(LocalPoolError) -> JSONValue {
        let pool = try await enabledPool(user.poolId)
        let challenge = Self.randomBytes(32)
        let now = context.clock.now()
        context.caches.passkeyRegistrations.insert(challenge, for: Self.userKey(user), until: now + Self.ceremonyLifetime, now: now)
        let existing = (user.webAuthnCredentials ?? []).map { credential -> JSONValue in
            .object(["type": .string("public-key"), "id": .string(credential.id)])
        }
        return .object([
            "rp": .object(["id": .string(Self.relyingPartyID(pool)), "name": .string(pool.name)]),
            "user": .object([
                "id": .string(Base64URL.encode(Array(user.sub.utf8))), "name": .string(user.username),
                "displayName": .string(user.attribute("name") ?? user.username),
            ]),
            "challenge": .string(Base64URL.encode(challenge)),
            "pubKeyCredParams": .array(
                [COSEKey.es256Algorithm, COSEKey.rs256Algorithm].map { .object(["type": .string("public-key"), "alg": .number(Double($0))]) }
            ),
            "timeout": .number(Self.ceremonyLifetime * 1000),
            "excludeCredentials": .array(existing),
            "attestation": .string("none"),
            "authenticatorSelection": .object([
                "residentKey": .string("required"), "requireResidentKey": .bool(true),
                "userVerification": .string((pool.webAuthn ?? .defaults).userVerification),
            ]),
        ])
    }

    /// CompleteWebAuthnRegistration: the browser's `RegistrationResponseJSON` checked against the
    /// challenge handed out (once), and the passkey kept.
    public func completeRegistration(user: UserRecord, credential: JSONValue) async throws(LocalPoolError) {
        let pool = try await enabledPool(user.poolId)
        guard let challenge = context.caches.passkeyRegistrations.take(Self.userKey(user), now: context.clock.now()) else {
            throw LocalPoolError(.webAuthnChallengeNotFound, "No passkey registration is waiting: call StartWebAuthnRegistration first.")
        }
        let rpID = Self.relyingPartyID(pool)
        let registration: WebAuthnCeremony.Registration
        do {
            registration = try WebAuthnCeremony.verifyRegistration(
                credential,
                challenge: challenge,
                rpID: rpID,
                requireUserVerification: (pool.webAuthn ?? .defaults).requiresUserVerification
            )
        } catch {
            context.logger.info(
                "gatehouse.pool.passkey_refused",
                metadata: ["gatehouse.pool.username": "\(user.username)", "reason": "\(error.reason)"]
            )
            throw Self.registrationError(error)
        }
        let object = credential.objectValue ?? [:]
        let record = WebAuthnCredentialRecord(
            id: Base64URL.encode(registration.credentialID),
            publicKey: Base64URL.encode(registration.publicKey),
            signCount: registration.signCount,
            relyingPartyId: rpID,
            attachment: object["authenticatorAttachment"]?.stringValue.map { String($0.prefix(32)) },
            transports: object["response"]?.objectValue?["transports"]?.arrayValue?.compactMap(\.stringValue).prefix(8).map { String($0.prefix(32)) },
            createdAt: context.clock.now()
        )
        try await users.update(poolID: user.poolId, username: user.username) { user throws(LocalPoolError) in
            var credentials = user.webAuthnCredentials ?? []
            guard !credentials.contains(where: { $0.id == record.id }) else { throw .invalidParameter("The passkey is registered already.") }
            guard credentials.count < WebAuthnCredentialRecord.maximumPerUser else {
                throw LocalPoolError(.limitExceeded, "The user has \(WebAuthnCredentialRecord.maximumPerUser) passkeys, the most allowed.")
            }
            credentials.append(record)
            user.webAuthnCredentials = credentials
        }
    }

    /// DeleteWebAuthnCredential.
    public func delete(user: UserRecord, credentialID: String) async throws(LocalPoolError) {
        guard user.webAuthnCredentials?.contains(where: { $0.id == credentialID }) == true else {
            throw .resourceNotFound("The passkey does not exist.")
        }
        try await users.update(poolID: user.poolId, username: user.username) { user in
            user.webAuthnCredentials?.removeAll { $0.id == credentialID }
            if user.webAuthnCredentials?.isEmpty == true { user.webAuthnCredentials = nil }
        }
    }

    /// The passkeys of `user` usable in `pool` now (made for its current relying party).
    static func usable(_ user: UserRecord, pool: PoolRecord) -> [WebAuthnCredentialRecord] {
        (user.webAuthnCredentials ?? []).filter { $0.relyingPartyId == relyingPartyID(pool) }
    }

    /// A sign-in's `CREDENTIAL_REQUEST_OPTIONS` (a JSON text) for `challenge`.
    static func requestOptions(_ user: UserRecord, pool: PoolRecord, challenge: [UInt8]) -> String {
        requestOptions(allowing: usable(user, pool: pool).map { ($0.id, $0.transports) }, pool: pool, challenge: challenge)
    }

    /// Request options for a name with no passkey to offer (unknown, or without one), shaped as a
    /// user's: one credential id, the same for that name while the server runs, that no
    /// authenticator holds. The hosted login shows them so that its page does not tell who exists.
    static func decoyRequestOptions(username: String, pool: PoolRecord, challenge: [UInt8]) -> String {
        let digest = SHA256.hash(data: decoySalt + Array("\(pool.id)\u{0}\(username.lowercased())".utf8))
        return requestOptions(allowing: [(Base64URL.encode(Array(digest.prefix(16))), ["internal"])], pool: pool, challenge: challenge)
    }

    private static let decoySalt = randomBytes(32)

    private static func requestOptions(allowing credentials: [(id: String, transports: [String]?)], pool: PoolRecord, challenge: [UInt8]) -> String {
        let allowed = credentials.map { credential -> JSONValue in
            var entry: [String: JSONValue] = ["type": .string("public-key"), "id": .string(credential.id)]
            if let transports = credential.transports { entry["transports"] = .array(transports.map(JSONValue.string)) }
            return .object(entry)
        }
        let options: JSONValue = .object([
            "challenge": .string(Base64URL.encode(challenge)), "timeout": .number(ceremonyLifetime * 1000),
            "rpId": .string(relyingPartyID(pool)), "allowCredentials": .array(allowed),
            "userVerification": .string((pool.webAuthn ?? .defaults).userVerification),
        ])
        return String(decoding: options.serialized, as: UTF8.self)
    }

    /// Checks a sign-in's `CREDENTIAL` (an `AuthenticationResponseJSON` text) against
    /// `challenge` and the user's passkey it names, and moves its counter on.
    func verifyAssertion(_ text: String, user: UserRecord, pool: PoolRecord, challenge: [UInt8]) async throws(LocalPoolError) {
        let refused = LocalPoolError.notAuthorized("Incorrect username or password.")
        guard let credential = try? JSONParser.parse(Array(text.utf8)), let id = credential.objectValue?["id"]?.stringValue,
            let stored = Self.usable(user, pool: pool).first(where: { $0.id == id }), let key = Base64URL.decode(stored.publicKey)
        else { throw refused }
        let count: UInt32
        do {
            count = try WebAuthnCeremony.verifyAssertion(
                credential,
                challenge: challenge,
                rpID: Self.relyingPartyID(pool),
                requireUserVerification: (pool.webAuthn ?? .defaults).requiresUserVerification,
                publicKey: key,
                storedSignCount: stored.signCount
            )
        } catch {
            context.logger.info(
                "gatehouse.pool.passkey_refused",
                metadata: ["gatehouse.pool.username": "\(user.username)", "reason": "\(error.reason)"]
            )
            throw refused
        }
        try await users.update(poolID: user.poolId, username: user.username) { user in
            guard let index = user.webAuthnCredentials?.firstIndex(where: { $0.id == id }) else { return }
            user.webAuthnCredentials?[index].signCount = count
        }
    }

    private func enabledPool(_ poolID: String) async throws(LocalPoolError) -> PoolRecord {
        let pool = try await pools.pool(poolID)
        guard pool.firstAuthFactors.contains(.webAuthn) else {
            throw LocalPoolError(.webAuthnNotEnabled, "WebAuthn is not enabled for the user pool: allow WEB_AUTHN as a first factor.")
        }
        return pool
    }

    private static func registrationError(_ failure: WebAuthnCeremony.Failure) -> LocalPoolError {
        switch failure.kind {
        case .origin: LocalPoolError(.webAuthnOriginNotAllowed, "The passkey was made on a page the relying party does not cover.")
        case .relyingParty: LocalPoolError(.webAuthnRelyingPartyMismatch, "The passkey is of another relying party.")
        case .unsupported: LocalPoolError(.webAuthnCredentialNotSupported, "The passkey is not supported: \(failure.reason).")
        case .invalid: .invalidParameter("The passkey registration is not valid: \(failure.reason).")
        }
    }

    private static func userKey(_ user: UserRecord) -> String { user.poolId + "\u{0}" + user.username }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
