public import Foundation

/// What `gatehouse serve` needs of the local pool: created on first run, reused after.
public struct LocalPoolSetup: Sendable {
    /// The pool.
    public let pool: PoolRecord
    /// The public SPA client (code + PKCE).
    public let spaClient: ClientRecord
    /// The confidential client (has a secret).
    public let confidentialClient: ClientRecord
    /// The demo user's username.
    public let demoUsername: String
    /// The demo user's password (kept in the data directory, readable by its owner only).
    public let demoPassword: String
    /// Whether this run created them.
    public let created: Bool
}

/// Creates or finds the local pool, its two clients and the demo user.
public enum LocalPoolBootstrap {
    static let spaName = "gatehouse-spa"
    static let confidentialName = "gatehouse-confidential"
    static let credentialsFile = "demo-user.json"

    /// Ensures the pool exists in `service`'s database; `appOrigin` is where the SPA lives.
    public static func ensure(service: LocalPoolService, appOrigin: String, dataDirectory: URL) async throws -> LocalPoolSetup {
        if let pool = try await service.pools.pools().first {
            let clients = try await service.pools.clients(poolID: pool.id)
            if let spa = clients.first(where: { $0.name == spaName }),
                let confidential = clients.first(where: { $0.name == confidentialName }),
                let saved = try? JSONDecoder().decode(
                    [String: String].self,
                    from: Data(contentsOf: dataDirectory.appendingPathComponent(credentialsFile))
                ),
                let username = saved["username"], let password = saved["password"]
            {
                return LocalPoolSetup(
                    pool: pool,
                    spaClient: spa,
                    confidentialClient: confidential,
                    demoUsername: username,
                    demoPassword: password,
                    created: false
                )
            }
        }
        let pool = try await service.pools.createPool(name: "gatehouse-local")
        var spaSettings = ClientSettings.defaults
        spaSettings.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
        spaSettings.allowedOAuthFlows = ["code"]
        spaSettings.allowedOAuthScopes = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]
        spaSettings.callbackURLs = ["\(appOrigin)/"]
        spaSettings.logoutURLs = ["\(appOrigin)/"]
        let spa = try await service.pools.createClient(poolID: pool.id, name: spaName, generateSecret: false, settings: spaSettings)
        var confidentialSettings = spaSettings
        confidentialSettings.explicitAuthFlows = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        let confidential = try await service.pools.createClient(
            poolID: pool.id,
            name: confidentialName,
            generateSecret: true,
            settings: confidentialSettings
        )
        let username = "demo"
        let password = "Demo-\(Identifiers.clientID().prefix(8))-9a!"
        _ = try await service.users.createUser(
            poolID: pool.id,
            username: username,
            attributes: [
                .init(name: "email", value: "demo@example.com"),
                .init(name: "email_verified", value: "true"),
                .init(name: "name", value: "Demo User"),
                .init(name: "nickname", value: "Demo"),
            ],
            temporaryPassword: nil
        )
        try await service.users.setPassword(poolID: pool.id, username: username, password: password, permanent: true)
        let file = dataDirectory.appendingPathComponent(credentialsFile)
        try JSONEncoder().encode(["username": username, "password": password]).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return LocalPoolSetup(
            pool: pool,
            spaClient: spa,
            confidentialClient: confidential,
            demoUsername: username,
            demoPassword: password,
            created: true
        )
    }
}
