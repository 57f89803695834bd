import GRDB

// How the pool's records map to its tables: GRDB's Codable records, one table each (the
// migrations in PoolDatabase say the columns). The public records reach GRDB through `Stored`,
// so GRDB stays inside this folder.

/// A public record as a row of its table.
struct Stored<Value: StoredInTable>: Codable, FetchableRecord, PersistableRecord {
    static var databaseTableName: String { Value.table }
    var value: Value

    init(_ value: Value) { self.value = value }
    init(from decoder: any Decoder) throws { value = try Value(from: decoder) }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// A record kept in a table of its own.
protocol StoredInTable: Codable, Sendable {
    static var table: String { get }
}

extension PoolRecord: StoredInTable { static var table: String { "pool" } }
extension ClientRecord: StoredInTable { static var table: String { "client" } }
extension UserRecord: StoredInTable { static var table: String { "user" } }
extension GroupRecord: StoredInTable { static var table: String { "userGroup" } }
extension UserCodeRecord: StoredInTable { static var table: String { "userCode" } }
extension ResourceServerRecord: StoredInTable { static var table: String { "resourceServer" } }
extension UserPoolDomainRecord: StoredInTable { static var table: String { "userPoolDomain" } }
extension TermsRecord: StoredInTable { static var table: String { "terms" } }
extension ManagedLoginBrandingRecord: StoredInTable { static var table: String { "managedLoginBranding" } }
extension AuthEventRecord: StoredInTable { static var table: String { "authEvent" } }
extension UserImportJobRecord: StoredInTable { static var table: String { "userImportJob" } }
extension IdentityProviderRecord: StoredInTable { static var table: String { "identityProvider" } }
extension ProviderLinkRecord: StoredInTable { static var table: String { "providerLink" } }

typealias PoolRow = Stored<PoolRecord>
typealias ClientRow = Stored<ClientRecord>
typealias UserRow = Stored<UserRecord>
typealias GroupRow = Stored<GroupRecord>
typealias UserCodeRow = Stored<UserCodeRecord>
typealias ResourceServerRow = Stored<ResourceServerRecord>
typealias DomainRow = Stored<UserPoolDomainRecord>
typealias TermsRow = Stored<TermsRecord>
typealias BrandingRow = Stored<ManagedLoginBrandingRecord>
typealias AuthEventRow = Stored<AuthEventRecord>
typealias ImportJobRow = Stored<UserImportJobRecord>
typealias IdentityProviderRow = Stored<IdentityProviderRecord>
typealias ProviderLinkRow = Stored<ProviderLinkRecord>

extension GroupMemberRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "groupMember"
}

extension SigningKeyRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "signingKey"
}

extension RefreshTokenRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "refreshToken"
}

extension RevokedOriginRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "revokedOrigin"
}

extension AuthSessionRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "authSession"
}

extension AuthCodeRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "authCode"
}

extension SSOSessionRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "ssoSession"
}

extension CodeThrottleRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "codeThrottle"
}

extension PhantomLockoutRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "phantomLockout"
}

extension ServerSecretRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "serverSecret"
}
