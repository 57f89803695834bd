import GatehouseCore

/// Links between a provider's users and native users: AdminLinkProviderForUser and
/// AdminDisableProviderForUser.
extension Federation {
    /// The provider attribute a link names: the provider's `sub`.
    static let subjectAttribute = "Cognito_Subject"
    /// What Cognito answers when the provider's user already exists or is linked.
    static let mergingRefused =
        "Merging is not currently supported, provide a SourceUser that has not been linked to any user and does not exist in the user pool"

    /// AdminLinkProviderForUser: `subject` at `provider` signs in as the native user `username`
    /// from now on (its `identities` gain the link).
    public func link(poolID: String, username: String, provider name: String, attribute: String?, subject: String) async throws(LocalPoolError) {
        let provider = try await linkableProvider(poolID: poolID, name: name, attribute: attribute, subject: subject)
        let user = try await users.user(poolID: poolID, username: username)
        guard user.status != .externalProvider else { throw .invalidParameter("The destination user must be a native user of the pool.") }
        // The provider's user must not exist on its own already.
        if (try? await users.user(poolID: poolID, username: provider.providerName + "_" + subject)) != nil {
            throw .invalidParameter(Self.mergingRefused)
        }
        let record = ProviderLinkRecord(
            poolId: poolID,
            providerName: provider.providerName,
            subject: subject,
            username: user.username,
            createdAt: context.clock.now()
        )
        switch try await context.store({ try await context.storage.providerLinks.link(record) }) {
        case .linked: return
        case .noUser: throw .userNotFound()
        case .taken: throw .invalidParameter(Self.mergingRefused)
        case .limit: throw LocalPoolError(.limitExceeded, "A user may be linked to at most \(Identities.limit) provider identities.")
        }
    }

    /// AdminDisableProviderForUser: a linked identity is unlinked (its next sign-in makes a user
    /// of its own); an identity that signed in on its own has that user disabled.
    public func disable(poolID: String, provider name: String, attribute: String?, subject: String) async throws(LocalPoolError) {
        let provider = try await linkableProvider(poolID: poolID, name: name, attribute: attribute, subject: subject)
        let now = context.clock.now()
        if try await context.store({
            try await context.storage.providerLinks.unlink(poolID: poolID, provider: provider.providerName, subject: subject, now: now)
        }) {
            return
        }
        let username = provider.providerName + "_" + subject
        guard InputPatterns.isUsername(username),
            try await context.store({
                try await context.storage.users.update(poolID: poolID, username: username, now: now) { $0.enabled = false }
            }) != nil
        else { throw .userNotFound() }
    }

    private func linkableProvider(
        poolID: String,
        name: String,
        attribute: String?,
        subject: String
    ) async throws(LocalPoolError) -> IdentityProviderRecord {
        guard (attribute ?? Self.subjectAttribute) == Self.subjectAttribute else {
            throw .invalidParameter("ProviderAttributeName must be Cognito_Subject: this pool links provider users by their sub.")
        }
        guard (1...128).contains(subject.count), InputPatterns.isUsername(subject) else {
            throw .invalidParameter("ProviderAttributeValue must be the provider's sub for the user.")
        }
        do {
            return try await pools.identityProvider(poolID: poolID, name: name)
        } catch  where error.name == .resourceNotFound {
            throw .invalidParameter("The identity provider \(name.prefix(32)) does not exist in this user pool.")
        }
    }
}
