import Foundation
import GatehouseCore

/// Pools and their app clients: created, read, changed and deleted, and what the hosted login
/// derives from the clients (browser origins, logout targets).
public struct PoolAdministration: Sendable {
    let context: PoolContext

    /// Creates a pool with its two signing keys; `schema` configures standard attributes and adds
    /// custom ones (CreateUserPool's `Schema`).
    public func createPool(
        name: String,
        region: String = "us-east-1",
        allowAdminCreateUserOnly: Bool = false,
        passwordPolicy: PasswordPolicy? = nil,
        tags: [String: String]? = nil,
        schema: [SchemaAttribute]? = nil,
        advancedSecurityMode: String? = nil,
        lambdaConfig: LambdaTriggers? = nil,
        firstAuthFactors: [AuthFactor]? = nil,
        deviceConfiguration: DeviceSettings? = nil
    ) async throws(LocalPoolError) -> PoolRecord {
        if let tags { try TagRules.check(tags) }
        let mode = try Self.checked(advancedSecurityMode)
        let triggers = try lambdaConfig?.checked()
        var defined: [SchemaAttribute]? = nil
        if let schema { defined = try SchemaRules.adding(schema, to: nil) }
        let now = context.clock.now()
        let pool = PoolRecord(
            id: Identifiers.poolID(region: region),
            name: name,
            allowAdminCreateUserOnly: allowAdminCreateUserOnly,
            createdAt: now,
            updatedAt: now,
            passwordPolicy: passwordPolicy,
            tags: tags,
            schema: defined,
            advancedSecurityMode: mode,
            lambdaConfig: triggers,
            allowedFirstAuthFactors: firstAuthFactors,
            deviceConfiguration: deviceConfiguration
        )
        let keys: [SigningKeyRecord]
        do {
            keys = try KeyRing.newKeys(poolID: pool.id, now: now)
        } catch {
            throw .internalError("keys")
        }
        try await context.store { try await context.storage.pools.create(pool, keys: keys) }
        return pool
    }

    /// The pool `id`, or `ResourceNotFoundException`.
    public func pool(_ id: String) async throws(LocalPoolError) -> PoolRecord {
        guard InputPatterns.isPoolID(id) else {
            // Never echo the value: it may be anything, of any size.
            throw .invalidParameter(
                "1 validation error detected: Value at 'userPoolId' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+ and have length less than or equal to 55"
            )
        }
        if let cached = context.caches.pool(id) { return cached }
        guard let found = try await context.store({ try await context.storage.pools.pool(id: id) }) else {
            throw .resourceNotFound("User pool \(id) does not exist.")
        }
        context.caches.remember(found)
        return found
    }

    /// Replaces a pool's settings (UpdateUserPool: what the request leaves out is the default),
    /// and its tags when given (left out, they stay: TagResource and UntagResource manage them).
    public func updatePool(
        _ id: String,
        allowAdminCreateUserOnly: Bool,
        passwordPolicy: PasswordPolicy? = nil,
        tags: [String: String]? = nil,
        advancedSecurityMode: String? = nil,
        lambdaConfig: LambdaTriggers? = nil,
        firstAuthFactors: [AuthFactor]? = nil,
        deviceConfiguration: DeviceSettings? = nil
    ) async throws(LocalPoolError) -> PoolRecord {
        if let tags { try TagRules.check(tags) }
        let mode = try Self.checked(advancedSecurityMode)
        let triggers = try lambdaConfig?.checked()
        return try await change(id) { pool throws(LocalPoolError) in
            try Self.checkPasswordless(factors: firstAuthFactors ?? AuthFactor.defaults, mfa: pool.mfaConfiguration)
            pool.allowedFirstAuthFactors = firstAuthFactors
            pool.deviceConfiguration = deviceConfiguration
            pool.lambdaConfig = triggers
            pool.allowAdminCreateUserOnly = allowAdminCreateUserOnly
            pool.passwordPolicy = passwordPolicy
            pool.advancedSecurityMode = mode
            if let tags { pool.tags = tags.isEmpty ? nil : tags }
        }
    }

    /// SetUserPoolMfaConfig.
    public func setMFAConfiguration(
        poolID: String,
        configuration: MFAConfiguration,
        softwareToken: Bool,
        webAuthn: WebAuthnSettings? = nil
    ) async throws(LocalPoolError) -> PoolRecord {
        guard configuration == .off || softwareToken else {
            throw .invalidParameter("Invalid MFA configuration given, can't turn on MFA without any enabled MFA factor.")
        }
        return try await change(poolID) { pool throws(LocalPoolError) in
            try Self.checkPasswordless(factors: pool.firstAuthFactors, mfa: configuration)
            pool.mfaConfiguration = configuration
            pool.softwareTokenMFAEnabled = softwareToken
            if let webAuthn { pool.webAuthn = webAuthn }
        }
    }

    /// A passwordless first factor signs in without a second one, so a pool that requires MFA
    /// allows none (as Cognito: required MFA and passwordless sign-in exclude each other).
    static func checkPasswordless(factors: [AuthFactor], mfa: MFAConfiguration) throws(LocalPoolError) {
        guard mfa != .on || !factors.contains(where: \.isPasswordless) else {
            throw .invalidParameter("Passwordless first factors (EMAIL_OTP, SMS_OTP, WEB_AUTHN) cannot be allowed while MFA is required.")
        }
    }

    /// Applies `body` to pool `id` and stores it.
    func change(_ id: String, _ body: (inout PoolRecord) throws(LocalPoolError) -> Void) async throws(LocalPoolError) -> PoolRecord {
        var pool = try await self.pool(id)
        try body(&pool)
        pool.updatedAt = context.clock.now()
        let updated = pool
        try await context.store { try await context.storage.pools.update(updated) }
        context.caches.remember(updated)
        return updated
    }

    /// Every pool, oldest first.
    public func pools() async throws(LocalPoolError) -> [PoolRecord] {
        try await context.store { try await context.storage.pools.pools() }
    }

    /// Deletes pool `id` with its clients, users, keys and tokens.
    public func deletePool(_ id: String) async throws(LocalPoolError) {
        _ = try await pool(id)
        defer {
            context.caches.forgetPool(id)
            context.caches.clientsChanged()
            context.caches.resourceServersChanged(poolID: id)
        }
        try await context.store { try await context.storage.pools.deletePool(id: id) }
    }

    /// The issuer URL of `poolID`.
    public func issuerURL(poolID: String) -> String { context.issuer.issuer(poolID: poolID) }

    /// The JWKS document of `poolID`.
    public func jwks(poolID: String) async throws(LocalPoolError) -> [UInt8] {
        _ = try await pool(poolID)
        do {
            return try await context.keyRing.jwks(poolID: poolID)
        } catch {
            throw .internalError("keys unavailable")
        }
    }

    /// Whether `SignUp` is open in `poolID` (the hosted pages link to it only then).
    public func allowsSignUp(poolID: String) async -> Bool {
        (try? await pool(poolID).allowAdminCreateUserOnly == false) ?? false
    }

    /// `UserPoolAddOns.AdvancedSecurityMode` as stored: `AUDIT` or `ENFORCED`, nil for `OFF`.
    static func checked(_ mode: String?) throws(LocalPoolError) -> String? {
        guard let mode, mode != "OFF" else { return nil }
        guard mode == "AUDIT" || mode == "ENFORCED" else { throw .invalidParameter("AdvancedSecurityMode must be OFF, AUDIT or ENFORCED.") }
        return mode
    }
}
