// The repositories of the pool's later settings and records: branding, threat protection's
// events, user import jobs, identity providers and the identities linked to users.

/// App clients' managed login branding styles, one per client.
protocol BrandingRepository: Sendable {
    /// Stores a new style; false when the client has one.
    func create(_ branding: ManagedLoginBrandingRecord) async throws -> Bool
    /// The style `id` of `poolID`.
    func branding(poolID: String, id: String) async throws -> ManagedLoginBrandingRecord?
    /// The style of the client `clientID`.
    func branding(clientID: String) async throws -> ManagedLoginBrandingRecord?
    /// Replaces a stored style.
    func update(_ branding: ManagedLoginBrandingRecord) async throws
    /// Deletes the style `id` of `poolID`.
    func deleteBranding(poolID: String, id: String) async throws
}

/// Users' sign-in events (threat protection), the newest ``AuthEventRecord/keptPerUser`` each.
protocol AuthEventRepository: Sendable {
    /// Stores an event (when its user exists), dropping the user's oldest past the limit.
    func record(_ event: AuthEventRecord) async throws
    /// The events of `username`, newest first.
    func authEvents(poolID: String, username: String) async throws -> [AuthEventRecord]
    /// Sets the feedback of the event `id` of `username`; false when there is no such event.
    func setFeedback(_ feedback: AuthEventRecord.Feedback, poolID: String, username: String, id: String) async throws -> Bool
}

/// User import jobs.
protocol UserImportRepository: Sendable {
    /// Stores a new job.
    func create(_ job: UserImportJobRecord) async throws
    /// The job `id` of `poolID`.
    func job(poolID: String, id: String) async throws -> UserImportJobRecord?
    /// The job `id` (the pre-signed URL names no pool).
    func job(id: String) async throws -> UserImportJobRecord?
    /// The jobs of `poolID`, oldest first.
    func jobs(poolID: String) async throws -> [UserImportJobRecord]
    /// Replaces a stored job.
    func update(_ job: UserImportJobRecord) async throws
}

/// A pool's identity providers, each keyed by its name.
protocol IdentityProviderRepository: Sendable {
    /// Stores a new provider; false when the pool has one of that name.
    func create(_ provider: IdentityProviderRecord) async throws -> Bool
    /// The provider `name` of `poolID`.
    func provider(poolID: String, name: String) async throws -> IdentityProviderRecord?
    /// The providers of `poolID`, by name.
    func providers(poolID: String) async throws -> [IdentityProviderRecord]
    /// Replaces a stored provider.
    func update(_ provider: IdentityProviderRecord) async throws
    /// Deletes the provider `name` of `poolID`.
    func deleteProvider(poolID: String, name: String) async throws
}

/// Provider identities linked to native users.
protocol ProviderLinkRepository: Sendable {
    /// Stores a link and adds the identity to its user's `identities`, in one transaction.
    func link(_ link: ProviderLinkRecord) async throws -> LinkOutcome
    /// The native user `subject` at `provider` is linked to.
    func linkedUsername(poolID: String, provider: String, subject: String) async throws -> String?
    /// Removes a link and the identity from its user, in one transaction; false when there is none.
    func unlink(poolID: String, provider: String, subject: String, now: Double) async throws -> Bool
}
