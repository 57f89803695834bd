/// A device a user signed in from (device tracking): its keys, the SRP verifier ConfirmDevice
/// gave it, and whether it is remembered (then it signs in with `DEVICE_SRP_AUTH` and skips MFA).
public struct DeviceRecord: Codable, Sendable, Equatable {
    /// `DeviceKey`: `{region}_{uuid}`.
    public var key: String
    /// `DeviceGroupKey`: the user's device group (one per user).
    public var groupKey: String
    /// `DeviceName` (ConfirmDevice).
    public var name: String?
    /// The device password's SRP salt (hex); nil until ConfirmDevice.
    public var salt: String?
    /// The device password's SRP verifier g^x (hex); nil until ConfirmDevice.
    public var verifier: String?
    /// Whether the device is remembered (`dev:device_remembered_status`).
    public var remembered: Bool
    /// When it was created (seconds since 1970).
    public var createdAt: Double
    /// When it last changed.
    public var updatedAt: Double
    /// When it last signed in.
    public var lastAuthenticatedAt: Double

    /// Whether ConfirmDevice gave it a verifier.
    public var isConfirmed: Bool { verifier != nil }

    /// The devices a user keeps at most; confirming one more forgets the least recently used.
    public static let maximumPerUser = 32
}
