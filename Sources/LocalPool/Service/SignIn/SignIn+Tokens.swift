import GatehouseCore

/// The end of an API sign-in: the tokens, bound to a device when the pool tracks them.
extension SignIn {
    /// Issues the tokens of an API sign-in: `change` applied to the user, the challenge
    /// `answered` deleted and the refresh token stored in one transaction, then the tokens signed.
    /// When the pool tracks devices, the tokens are bound to the device `deviceKey` proved, or
    /// to a new device the client may confirm (`NewDeviceMetadata`).
    func signIn(
        _ user: UserRecord,
        client: ClientRecord,
        answered: String?,
        trigger: TokenTrigger = .authentication(),
        deviceKey: String? = nil,
        change: @escaping @Sendable (inout UserRecord) -> Void
    ) async throws(LocalPoolError) -> AuthOutcome {
        try await postAuthentication(user, client: client, clientMetadata: trigger.clientMetadata)
        let now = context.clock.now()
        let signedInAt = now.rounded(.down)
        let originJti = Identifiers.uuid()
        var refresh = tokens.newRefreshToken(user: user, client: client, request: .api, authTime: signedInAt, originJti: originJti)
        var device: (key: String, new: NewDeviceMetadata?, change: @Sendable (inout UserRecord) -> Void)?
        if try await pools.pool(client.poolId).deviceConfiguration != nil {
            if let deviceKey {
                device = (deviceKey, nil, Devices.used(deviceKey, now: now, address: SignInOrigin.address))
            } else {
                let (metadata, add) = Devices.new(for: user, now: now, address: SignInOrigin.address)
                device = (metadata.deviceKey, metadata, add)
            }
        }
        refresh.record.deviceKey = device?.key
        let deviceChange = device?.change
        let stored = try await finishStep(
            user,
            change: { user in
                change(&user)
                deviceChange?(&user)
            },
            answered: answered,
            leftover: .refreshToken(refresh.record)
        )
        return try await tokens.sign(
            user: stored.user,
            groups: stored.groups,
            client: client,
            request: .api,
            authTime: signedInAt,
            originJti: originJti,
            refreshToken: refresh.token,
            source: trigger.source,
            clientMetadata: trigger.clientMetadata,
            deviceKey: device?.key,
            newDevice: device?.new
        )
    }
}
