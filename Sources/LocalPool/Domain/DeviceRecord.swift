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
    /// The address it last signed in from (`last_ip_used`), when the sign-in's caller had one.
    public var lastIPUsed: String? = nil

    /// Whether ConfirmDevice gave it a verifier.
    public var isConfirmed: Bool { verifier != nil }

    /// The devices a user keeps at most; confirming one more forgets the least recently used.
    public static let maximumPerUser = 32
}

/// A passkey of a user (CompleteWebAuthnRegistration): its id, COSE public key and signature
/// counter, bound to the relying party it was made for.
public struct WebAuthnCredentialRecord: Codable, Sendable, Equatable {
    /// The credential id (base64url).
    public var id: String
    /// The COSE public key (base64url of its CBOR bytes).
    public var publicKey: String
    /// The authenticator's signature counter at the last ceremony.
    public var signCount: UInt32
    /// The relying party id it was registered for.
    public var relyingPartyId: String
    /// `authenticatorAttachment` (`platform`, `cross-platform`), when the browser said.
    public var attachment: String?
    /// `transports` (`usb`, `internal`, …), when the browser said.
    public var transports: [String]?
    /// A name for the user to tell their passkeys apart.
    public var friendlyName: String?
    /// When it was registered (seconds since 1970).
    public var createdAt: Double

    /// The passkeys a user keeps at most (as Cognito).
    public static let maximumPerUser = 20
}
