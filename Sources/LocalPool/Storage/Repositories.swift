import Foundation

/// Pools, their clients and signing keys, and the server's own secrets.
protocol PoolRepository: Sendable {
    /// Stores a new pool with its signing keys.
    func create(_ pool: PoolRecord, keys: [SigningKeyRecord]) async throws
    /// The pool `id`.
    func pool(id: String) async throws -> PoolRecord?
    /// Every pool, oldest first.
    func pools() async throws -> [PoolRecord]
    /// Replaces a stored pool.
    func update(_ pool: PoolRecord) async throws
    /// Deletes a pool and everything of it (clients, users, groups, keys, tokens, codes).
    func deletePool(id: String) async throws
    /// The signing keys of `poolID`, oldest first.
    func signingKeys(poolID: String) async throws -> [SigningKeyRecord]
    /// The secret `fresh.name`, storing `fresh` when there is none yet.
    func secret(_ fresh: ServerSecretRecord) async throws -> Data
    /// Stores a new client.
    func create(_ client: ClientRecord) async throws
    /// The client `id`.
    func client(id: String) async throws -> ClientRecord?
    /// The clients of `poolID` (every pool's when nil), oldest first.
    func clients(poolID: String?) async throws -> [ClientRecord]
    /// Replaces a stored client.
    func update(_ client: ClientRecord) async throws
    /// Deletes a client with its refresh tokens and authorization codes.
    func deleteClient(id: String) async throws
}

/// A pool's resource servers, each keyed by its identifier.
protocol ResourceServerRepository: Sendable {
    /// Stores a new resource server; false when the pool has one with that identifier.
    func create(_ server: ResourceServerRecord) async throws -> Bool
    /// The resource server `identifier` of `poolID`.
    func resourceServer(poolID: String, identifier: String) async throws -> ResourceServerRecord?
    /// The resource servers of `poolID`, by identifier.
    func resourceServers(poolID: String) async throws -> [ResourceServerRecord]
    /// Replaces a stored resource server; false when there is none.
    func update(_ server: ResourceServerRecord) async throws -> Bool
    /// Deletes a resource server; false when there is none.
    func deleteResourceServer(poolID: String, identifier: String) async throws -> Bool
}

/// User pool domains, each name belonging to one pool.
protocol DomainRepository: Sendable {
    /// Stores a new domain; false when the name is taken (by any pool).
    func create(_ domain: UserPoolDomainRecord) async throws -> Bool
    /// The domain called `name`.
    func domain(named name: String) async throws -> UserPoolDomainRecord?
    /// The domains of `poolID`.
    func domains(poolID: String) async throws -> [UserPoolDomainRecord]
    /// Replaces a stored domain.
    func update(_ domain: UserPoolDomainRecord) async throws
    /// Deletes the domain called `name`.
    func deleteDomain(named name: String) async throws
}

/// App clients' terms documents.
protocol TermsRepository: Sendable {
    /// Stores new terms; false when the client has terms of that name.
    func create(_ terms: TermsRecord) async throws -> Bool
    /// The terms `id` of `poolID`.
    func terms(poolID: String, id: String) async throws -> TermsRecord?
    /// The terms of `poolID`, oldest first.
    func terms(poolID: String) async throws -> [TermsRecord]
    /// Replaces stored terms; false when the client has other terms of that name.
    func update(_ terms: TermsRecord) async throws -> Bool
    /// Deletes the terms `id` of `poolID`.
    func deleteTerms(poolID: String, id: String) async throws
}

/// What counting a sign-in attempt found: the user as read before the attempt was counted.
enum AttemptCount: Sendable {
    /// No user has that name (or `sub`).
    case missing
    /// An admin reset the password: not counted, refused.
    case resetRequired(UserRecord)
    /// Locked out: not counted, refused.
    case lockedOut(UserRecord)
    /// Counted.
    case counted(UserRecord)
}

/// What the end of a sign-in step leaves stored beside the user's counters.
enum SignInLeftover: Sendable {
    /// Tokens follow: their refresh token.
    case refreshToken(RefreshTokenRecord)
    /// Another challenge follows.
    case challenge(AuthSessionRecord)
}

/// Users, their sign-in counters and sign-out.
protocol UserRepository: Sendable {
    /// Stores a new user; false when the name is taken.
    func create(_ user: UserRecord) async throws -> Bool
    /// The user called `name`, or whose `sub` it is.
    func user(poolID: String, name: String) async throws -> UserRecord?
    /// Applies `change` to the user called `username` and stamps `updatedAt` with `now`; the
    /// user as stored, or nil when there is none.
    func update(
        poolID: String,
        username: String,
        now: Double,
        _ change: @escaping @Sendable (inout UserRecord) throws -> Void
    ) async throws -> UserRecord?
    /// Deletes a user with their refresh tokens, codes and memberships.
    func delete(poolID: String, username: String) async throws
    /// Sign-out everywhere: refresh tokens revoked at `now`, tokens issued up to `now` refused,
    /// hosted-login sessions ended (the generation moves on).
    func signOutEverywhere(poolID: String, username: String, now: Double) async throws
    /// The users of `poolID`, by username.
    func users(poolID: String) async throws -> [UserRecord]
    /// Counts a sign-in attempt on the user called `name` (or whose `sub` it is) at `now`,
    /// unless they are locked out or must reset their password.
    func countAttempt(poolID: String, name: String, now: Double) async throws -> AttemptCount
    /// Counts an attempt on a name that does not exist; false when it is locked out (not counted).
    func countPhantomAttempt(poolID: String, username: String, now: Double) async throws -> Bool
    /// The end of a sign-in step, in one transaction: `change` applied to the user, the
    /// challenge `answered` (its hash) deleted, `leftover` stored; the user as stored and their
    /// groups, or nil when the user is gone.
    func finishSignInStep(
        poolID: String,
        username: String,
        now: Double,
        change: @escaping @Sendable (inout UserRecord) -> Void,
        answered: String?,
        leftover: SignInLeftover?
    ) async throws -> (user: UserRecord, groups: [GroupRecord])?
}

/// Groups and their members.
protocol GroupRepository: Sendable {
    /// Stores a new group; false when the name is taken.
    func create(_ group: GroupRecord) async throws -> Bool
    /// The group `name` of `poolID`.
    func group(poolID: String, name: String) async throws -> GroupRecord?
    /// Replaces a stored group.
    func update(_ group: GroupRecord) async throws
    /// Deletes a group (its members lose it).
    func deleteGroup(poolID: String, name: String) async throws
    /// Up to `limit` groups of `poolID` by name, after `after`.
    func groups(poolID: String, after: String, limit: Int) async throws -> [GroupRecord]
    /// Adds `username` to group `group` (a member already: nothing changes).
    func addMember(poolID: String, group: String, username: String) async throws
    /// Removes `username` from group `group`.
    func removeMember(poolID: String, group: String, username: String) async throws
    /// The groups of `username`, in `cognito:groups` order (precedence, then name).
    func groups(ofUser username: String, poolID: String) async throws -> [GroupRecord]
    /// Up to `limit` members of group `group` by username, after `after`.
    func members(poolID: String, group: String, after: String, limit: Int) async throws -> [UserRecord]
}

/// What checking a one-time code found.
enum CodeCheck: Sendable {
    case accepted, expired, mismatch, withdrawn, blocked
}

/// One-time codes, and the limits on codes per name (``CodeLimits``).
protocol CodeRepository: Sendable {
    /// Stores `code` (replacing the name's earlier one for its purpose), counted against the
    /// name's limit; false past the limit (nothing stored).
    func issue(_ code: UserCodeRecord, now: Double) async throws -> Bool
    /// Counts a code issued to a name that gets none (existence hidden); false past the limit.
    func countIssued(poolID: String, username: String, purpose: CodePurpose, now: Double) async throws -> Bool
    /// Uses up the code when `code` is it; otherwise counts a wrong try against the code and the
    /// name (see ``CodeLimits``). No code is checked while the name is blocked.
    func consume(poolID: String, username: String, purpose: CodePurpose, code: String, now: Double) async throws -> CodeCheck
    /// Counts a wrong code against a name without one; true when the name is (now) blocked.
    func countFailure(poolID: String, username: String, purpose: CodePurpose, now: Double) async throws -> Bool
    /// The live codes of `username`, newest first.
    func liveCodes(poolID: String, username: String, now: Double) async throws -> [UserCodeRecord]
    /// Deletes the name's codes for `purpose`.
    func deleteCodes(poolID: String, username: String, purpose: CodePurpose) async throws
}

/// Sign-in challenges waiting for their answer, by the hash of their session string.
protocol ChallengeRepository: Sendable {
    /// Stores a challenge.
    func create(_ challenge: AuthSessionRecord) async throws
    /// The challenge whose session hashes to `hash`.
    func challenge(hash: String) async throws -> AuthSessionRecord?
    /// Replaces a stored challenge.
    func update(_ challenge: AuthSessionRecord) async throws
    /// Deletes a challenge.
    func deleteChallenge(hash: String) async throws
}

/// Refresh tokens and revoked token families.
protocol TokenRepository: Sendable {
    /// Stores a refresh token.
    func create(_ token: RefreshTokenRecord) async throws
    /// The refresh token hashing to `hash`.
    func refreshToken(hash: String) async throws -> RefreshTokenRecord?
    /// The refresh token hashing to `hash` with its user and their groups, in one read (the hot
    /// path of every refresh).
    func refreshTokenAndUser(hash: String) async throws -> (token: RefreshTokenRecord, user: UserRecord?, groups: [GroupRecord])?
    /// Stores `successor` and marks the token `hash` rotated at `now` (the first time only).
    func rotate(hash: String, to successor: RefreshTokenRecord, now: Double) async throws
    /// Revokes the family `originJti`: its refresh tokens, and every token it issued.
    func revokeFamily(originJti: String, now: Double) async throws
    /// The user of an access token and whether its family is revoked, in one read (every
    /// `GetUser`).
    func accessTokenState(poolID: String, username: String, originJti: String?) async throws -> (user: UserRecord?, revoked: Bool)
}

/// What redeeming an authorization code found.
enum CodeRedemption: Sendable {
    /// Its first use: now marked used, with the token family it starts.
    case first(AuthCodeRecord)
    /// Used before; the token family of its first exchange (nil for codes used before v3).
    case reused(originJti: String?)
}

/// The hosted login's authorization codes and sessions.
protocol HostedLoginRepository: Sendable {
    /// Stores an authorization code.
    func create(_ code: AuthCodeRecord) async throws
    /// Marks the code hashing to `hash` used at `now` for the family `originJti`, the first
    /// time; nil when there is no such code.
    func redeem(codeHash hash: String, now: Double, originJti: String) async throws -> CodeRedemption?
    /// Starts a hosted-login session of the user's generation as stored now; false when the
    /// user is gone.
    func startSession(hash: String, poolID: String, username: String, now: Double, lifetime: Double) async throws -> Bool
    /// The hosted-login session hashing to `hash`.
    func session(hash: String) async throws -> SSOSessionRecord?
    /// Ends a hosted-login session.
    func endSession(hash: String) async throws
}
