import Foundation
import GatehouseCore
import Logging

/// A sign-in proving a confirmed device's secret after the password, by session and by user and
/// device (clients such as pycognito answer the device challenges without the session).
struct DeviceSignInState: Sendable {
    var session: String
    var poolID: String
    var clientID: String
    var username: String
    var deviceKey: String
    var clientMetadata: [String: String]?
    /// After `DEVICE_SRP_AUTH`: the key both sides derive, and the secret block sent.
    var key: [UInt8]? = nil
    var secretBlock: String? = nil
}

/// The device challenges: `DEVICE_SRP_AUTH` (the device's `SRP_A`), then
/// `DEVICE_PASSWORD_VERIFIER` (its proof, SRP with the device group key in place of the pool
/// name). A remembered device then signs in without MFA (`TokenGeneration_AuthenticateDevice`)
/// when the pool's `ChallengeRequiredOnNewDevice` lets remembered devices stand in for it;
/// otherwise the sign-in goes on to the MFA step the pool asks for.
extension SignIn {
    /// How long a device challenge may be answered.
    static let deviceSessionLifetime = 180.0

    /// The device challenge for a sign-in whose password `user` proved from confirmed device `deviceKey`.
    func startDeviceChallenge(user: UserRecord, client: ClientRecord, deviceKey: String, clientMetadata: [String: String]?) -> AuthOutcome {
        let state = DeviceSignInState(
            session: Identifiers.opaque(bytes: 64),
            poolID: client.poolId,
            clientID: client.id,
            username: user.username,
            deviceKey: deviceKey,
            clientMetadata: clientMetadata
        )
        remember(state)
        return .challenge(name: .deviceSRPAuth, session: state.session, parameters: ["USERNAME": user.username, "DEVICE_KEY": deviceKey])
    }

    /// `DEVICE_SRP_AUTH`: the device's `SRP_A`; answers `DEVICE_PASSWORD_VERIFIER` with `SRP_B`,
    /// the device's salt and a secret block.
    public func respondToDeviceSRP(
        client: ClientRecord,
        session: String?,
        responses: [String: String]
    ) async throws(LocalPoolError) -> AuthOutcome {
        guard let username = responses["USERNAME"], let deviceKey = responses["DEVICE_KEY"], let srpA = responses["SRP_A"] else {
            throw .invalidParameter("Missing required parameter USERNAME, DEVICE_KEY or SRP_A")
        }
        try SecretHash.check(responses["SECRET_HASH"], client: client, username: username)
        guard let a = CognitoSRP.bytes(hex: srpA) else { throw .invalidParameter("SRP_A must be a hexadecimal number.") }
        var state = try await pendingDevice(client: client, session: session, username: username, deviceKey: deviceKey, proving: false)
        let device = try await confirmedDevice(state)
        guard let salt = device.salt, let verifier = device.verifier.flatMap(CognitoSRP.bytes(hex:)) else { throw Devices.notFound }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let exchange: CognitoSRP.Exchange?
        do {
            exchange = try await PasswordHasher.offload { CognitoSRP.exchange(clientPublic: a, verifier: verifier, secret: secret) }
        } catch {
            throw .internalError("srp")
        }
        guard let exchange else { throw .invalidParameter("SRP_A must be a number between 1 and N - 1 (modulo N not zero).") }
        state.session = Identifiers.opaque(bytes: 64)
        state.key = exchange.key
        state.secretBlock = Data((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) }).base64EncodedString()
        remember(state)
        return .challenge(
            name: .devicePasswordVerifier,
            session: state.session,
            parameters: [
                "SRP_B": CognitoSRP.hex(exchange.serverPublic), "SALT": salt, "SECRET_BLOCK": state.secretBlock ?? "",
                "USERNAME": state.username, "DEVICE_KEY": deviceKey,
            ]
        )
    }

    /// `DEVICE_PASSWORD_VERIFIER`: the device's proof, checked once; then the tokens (a remembered
    /// device) or the MFA step.
    public func respondToDevicePasswordVerifier(
        client: ClientRecord,
        session: String?,
        responses: [String: String],
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> AuthOutcome {
        guard let secretBlock = responses["PASSWORD_CLAIM_SECRET_BLOCK"], let signature = responses["PASSWORD_CLAIM_SIGNATURE"],
            let timestamp = responses["TIMESTAMP"], let username = responses["USERNAME"], let deviceKey = responses["DEVICE_KEY"]
        else {
            throw .invalidParameter(
                "Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE, TIMESTAMP, USERNAME or DEVICE_KEY"
            )
        }
        try SecretHash.check(responses["SECRET_HASH"], client: client, username: username)
        guard CognitoSRP.isTimestamp(timestamp) else {
            throw .invalidParameter("TIMESTAMP must look like \"Tue Nov 3 09:05:01 UTC 2026\" (the day not padded).")
        }
        let state = try await pendingDevice(client: client, session: session, username: username, deviceKey: deviceKey, proving: true)
        let device = try await confirmedDevice(state)
        guard let key = state.key, state.secretBlock == secretBlock, let given = Data(base64Encoded: signature),
            ConstantTime.equals(
                Array(given),
                CognitoSRP.signature(
                    key: key,
                    poolName: device.groupKey,
                    userID: deviceKey,
                    secretBlock: Array(Data(base64Encoded: secretBlock) ?? Data()),
                    timestamp: timestamp
                )
            )
        else {
            context.logger.info(
                "gatehouse.pool.sign_in_failed",
                metadata: ["gatehouse.pool.username": "\(state.username)", "gatehouse.pool.flow": "device_srp"]
            )
            throw .notAuthorized("Incorrect username or password.")
        }
        let user = try await users.user(poolID: state.poolID, username: state.username)
        guard user.enabled else { throw .notAuthorized("User is disabled.") }
        let trigger = TokenTrigger(source: "TokenGeneration_AuthenticateDevice", clientMetadata: clientMetadata ?? state.clientMetadata)
        let replacesMFA = try await pools.pool(state.poolID).deviceConfiguration?.challengeRequiredOnNewDevice == true
        if device.remembered && replacesMFA {
            return try await signIn(user, client: client, answered: nil, trigger: trigger, deviceKey: deviceKey) { _ in }
        }
        return try await next(after: user, client: client, trigger: trigger, deviceKey: deviceKey) { _ in }
    }

    /// The confirmed device of a pending device sign-in.
    private func confirmedDevice(_ state: DeviceSignInState) async throws(LocalPoolError) -> DeviceRecord {
        let user = try await users.user(poolID: state.poolID, username: state.username)
        guard let device = user.devices?.first(where: { $0.key == state.deviceKey && $0.isConfirmed }) else { throw Devices.notFound }
        return device
    }

    /// The live device sign-in of `client` for `username` and `deviceKey` (by `session`, or
    /// without one by the user and device), at the step asked for; it answers once.
    private func pendingDevice(
        client: ClientRecord,
        session: String?,
        username: String,
        deviceKey: String,
        proving: Bool
    ) async throws(LocalPoolError) -> DeviceSignInState {
        let named = (try? await users.user(poolID: client.poolId, username: username))?.username ?? username
        let cache = context.caches.deviceSignIns
        let now = context.clock.now()
        guard let state = cache.value(for: session ?? Self.deviceLookup(client.poolId, named, deviceKey), now: now),
            state.clientID == client.id, state.username == named, state.deviceKey == deviceKey, (state.key != nil) == proving
        else { throw .notAuthorized("Invalid session for the user, session is expired.") }
        cache.remove(state.session)
        cache.remove(Self.deviceLookup(state.poolID, state.username, state.deviceKey))
        return state
    }

    private func remember(_ state: DeviceSignInState) {
        let now = context.clock.now()
        let until = now + Self.deviceSessionLifetime
        context.caches.deviceSignIns.insert(state, for: state.session, until: until, now: now)
        context.caches.deviceSignIns.insert(state, for: Self.deviceLookup(state.poolID, state.username, state.deviceKey), until: until, now: now)
    }

    private static func deviceLookup(_ poolID: String, _ username: String, _ deviceKey: String) -> String {
        "device\u{0}\(poolID)\u{0}\(username)\u{0}\(deviceKey)"
    }
}
