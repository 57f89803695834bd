import Foundation
import GatehouseCore

/// Remembered devices: a sign-in of a pool that tracks devices makes a new device (its
/// `NewDeviceMetadata`), ConfirmDevice gives it an SRP verifier, and later sign-ins from it prove
/// the device's secret (`DEVICE_SRP_AUTH`) and, when it is remembered, skip MFA. The devices
/// live with their user.
public struct Devices: Sendable {
    let context: PoolContext
    let users: UserAccounts

    /// ConfirmDevice: the device's salt and SRP verifier (base64, as the SDKs send them) and
    /// name. Whether the user must still say to remember it (`UserConfirmationNecessary`).
    public func confirm(
        poolID: String,
        username: String,
        deviceKey: String,
        salt: String,
        verifier: String,
        name: String?
    ) async throws(LocalPoolError) -> Bool {
        guard let saltBytes = Data(base64Encoded: salt), !saltBytes.isEmpty, saltBytes.count <= 64,
            let verifierBytes = Data(base64Encoded: verifier), !verifierBytes.isEmpty, verifierBytes.count <= 400,
            CognitoSRP.power(base: Array(verifierBytes), exponent: [1]) != nil
        else { throw .invalidParameter("DeviceSecretVerifierConfig must hold a base64 Salt and a base64 PasswordVerifier below N.") }
        if let name, name.isEmpty || name.utf8.count > 1024 || name.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw .invalidParameter("DeviceName must be 1 to 1024 characters, without control characters.")
        }
        let pool = try await users.pools.pool(poolID)
        let prompted = pool.deviceConfiguration?.deviceOnlyRememberedOnUserPrompt ?? false
        let now = context.clock.now()
        try await change(poolID: poolID, username: username, deviceKey: deviceKey) { device throws(LocalPoolError) in
            guard !device.isConfirmed else { throw .invalidParameter("The device is already confirmed.") }
            device.salt = CognitoSRP.hex(Array(saltBytes))
            device.verifier = CognitoSRP.hex(Array(verifierBytes))
            device.name = name
            device.remembered = !prompted
            device.updatedAt = now
        }
        return prompted
    }

    /// UpdateDeviceStatus: `remembered` or `not_remembered`.
    public func setRemembered(poolID: String, username: String, deviceKey: String, status: String) async throws(LocalPoolError) {
        guard status == "remembered" || status == "not_remembered" else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'deviceRememberedStatus' failed to satisfy constraint: "
                    + "Member must satisfy enum value set: [remembered, not_remembered]"
            )
        }
        let now = context.clock.now()
        try await change(poolID: poolID, username: username, deviceKey: deviceKey) { device throws(LocalPoolError) in
            device.remembered = status == "remembered"
            device.updatedAt = now
        }
    }

    /// GetDevice: a confirmed device of the user.
    public func device(poolID: String, username: String, deviceKey: String) async throws(LocalPoolError) -> DeviceRecord {
        try Self.checkKey(deviceKey)
        let user = try await users.user(poolID: poolID, username: username)
        guard let device = user.devices?.first(where: { $0.key == deviceKey && $0.isConfirmed }) else { throw Self.notFound }
        return device
    }

    /// ListDevices: the user's confirmed devices, most recently used first.
    public func devices(poolID: String, username: String) async throws(LocalPoolError) -> [DeviceRecord] {
        let user = try await users.user(poolID: poolID, username: username)
        return (user.devices ?? []).filter(\.isConfirmed).sorted { $0.lastAuthenticatedAt > $1.lastAuthenticatedAt }
    }

    /// ForgetDevice: the device is gone; signing in from it makes a new one.
    public func forget(poolID: String, username: String, deviceKey: String) async throws(LocalPoolError) {
        try Self.checkKey(deviceKey)
        let user = try await users.user(poolID: poolID, username: username)
        guard user.devices?.contains(where: { $0.key == deviceKey }) == true else { throw Self.notFound }
        try await users.update(poolID: poolID, username: user.username) { user in
            user.devices?.removeAll { $0.key == deviceKey }
            if user.devices?.isEmpty == true { user.devices = nil }
        }
    }

    /// Applies `body` to the user's device `deviceKey` and stores it.
    private func change(
        poolID: String,
        username: String,
        deviceKey: String,
        _ body: @escaping @Sendable (inout DeviceRecord) throws(LocalPoolError) -> Void
    ) async throws(LocalPoolError) {
        try Self.checkKey(deviceKey)
        let user = try await users.user(poolID: poolID, username: username)
        guard var device = user.devices?.first(where: { $0.key == deviceKey }) else { throw Self.notFound }
        try body(&device)
        let changed = device
        try await users.update(poolID: poolID, username: user.username) { user in
            guard let index = user.devices?.firstIndex(where: { $0.key == deviceKey }) else { return }
            user.devices?[index] = changed
        }
    }

    static var notFound: LocalPoolError { .resourceNotFound("Device does not exist.") }

    /// Cognito's device key pattern, `[\w-]+_[0-9a-f-]+`, at most 55 characters.
    static func checkKey(_ key: String) throws(LocalPoolError) {
        guard InputPatterns.isDeviceKey(key) else {
            throw .invalidParameter(
                "1 validation error detected: Value at 'deviceKey' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-f-]+"
            )
        }
    }

    /// A new device for a sign-in of `user` in pool `poolID`: its metadata, and the change that
    /// adds it to the user (forgetting the oldest unconfirmed devices, then the least recently
    /// used, past ``DeviceRecord/maximumPerUser``).
    static func new(for user: UserRecord, now: Double, address: String?) -> (NewDeviceMetadata, @Sendable (inout UserRecord) -> Void) {
        let region = user.poolId.split(separator: "_").first.map(String.init) ?? "us-east-1"
        let key = "\(region)_\(Identifiers.uuid().lowercased())"
        let groupKey = user.devices?.first?.groupKey ?? "-" + Identifiers.opaque(bytes: 6).filter { $0.isLetter || $0.isNumber }
        let device = DeviceRecord(
            key: key,
            groupKey: groupKey,
            remembered: false,
            createdAt: now,
            updatedAt: now,
            lastAuthenticatedAt: now,
            lastIPUsed: address
        )
        return (
            NewDeviceMetadata(deviceKey: key, deviceGroupKey: groupKey),
            { user in
                var devices = user.devices ?? []
                devices.append(device)
                while devices.count > DeviceRecord.maximumPerUser {
                    let oldest =
                        devices.indices.filter { !devices[$0].isConfirmed }.min { devices[$0].createdAt < devices[$1].createdAt }
                        ?? devices.indices.min { devices[$0].lastAuthenticatedAt < devices[$1].lastAuthenticatedAt }!
                    devices.remove(at: oldest)
                }
                user.devices = devices
            }
        )
    }

    /// The change that marks device `key` used for a sign-in now, from `address`.
    static func used(_ key: String, now: Double, address: String?) -> @Sendable (inout UserRecord) -> Void {
        { user in
            guard let index = user.devices?.firstIndex(where: { $0.key == key }) else { return }
            user.devices?[index].lastAuthenticatedAt = now
            if let address { user.devices?[index].lastIPUsed = address }
        }
    }
}
