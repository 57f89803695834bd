import Foundation
import GatehouseAWS
import GatehouseCore
import GatehouseEdge
import GatehouseHTTP
import GatehouseLambda
import GatehouseSessions
import HTTPTypes
import LocalPool
import Logging
import NIOCore
import Synchronization

/// The local pool's targets: its JSON API, user import files, an upstream provider's ID token.
extension FuzzTargets {
    /// The JSON API on a pool in a temporary folder: the first byte picks the operation.
    static let pool: (CognitoAPI, String, String) = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-fuzz-\(getpid())")
        let service = LocalPoolService(
            database: try! PoolDatabase(directory: directory),
            baseURL: "http://127.0.0.1:9229",
            hasher: PasswordHasher(cost: 4),
            logger: quiet
        )
        var settings = ClientSettings.defaults
        settings.explicitAuthFlows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
        let (poolID, clientID) = blocking { [settings] in
            // Threat protection on, so its calls and the sign-ins' screening are reached.
            let pool = try! await service.pools.createPool(name: "fuzz", advancedSecurityMode: "ENFORCED")
            let client = try! await service.pools.createClient(poolID: pool.id, name: "fuzz", generateSecret: false, settings: settings)
            return (pool.id, client.id)
        }
        return (CognitoAPI(service: service), poolID, clientID)
    }()

    /// Waits for `body` on a task: the fuzzer's entry point is synchronous.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    static let operations = [
        "AdminCreateUser", "AdminGetUser", "AdminSetUserPassword", "AdminUpdateUserAttributes", "AdminDeleteUser",
        "AdminDisableUser", "AdminEnableUser", "ListUsers", "InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge",
        "GetUser", "GlobalSignOut", "AdminUserGlobalSignOut", "RevokeToken", "CreateUserPool", "DescribeUserPool",
        "ListUserPools", "CreateUserPoolClient", "DescribeUserPoolClient", "ListUserPoolClients", "NoSuchOperation",
        // Appended, so the corpus's first bytes keep their operations.
        "CreateResourceServer", "DescribeResourceServer", "UpdateResourceServer", "DeleteResourceServer", "ListResourceServers",
        "TagResource", "UntagResource", "ListTagsForResource", "SetLogDeliveryConfiguration", "GetLogDeliveryConfiguration",
        "GetCSVHeader", "AdminDeleteUserAttributes", "DeleteUserAttributes", "AddUserPoolClientSecret", "ListUserPoolClientSecrets",
        "DeleteUserPoolClientSecret", "CreateUserPoolDomain", "DescribeUserPoolDomain", "UpdateUserPoolDomain", "DeleteUserPoolDomain",
        "SetUserSettings", "AdminSetUserSettings", "CreateTerms", "DescribeTerms", "UpdateTerms",
        "DeleteTerms", "ListTerms", "AddCustomAttributes", "GetSigningCertificate",
        "SetUICustomization", "GetUICustomization", "CreateManagedLoginBranding", "DescribeManagedLoginBranding",
        "DescribeManagedLoginBrandingByClient", "UpdateManagedLoginBranding", "DeleteManagedLoginBranding",
        "SetRiskConfiguration", "DescribeRiskConfiguration", "AdminListUserAuthEvents", "AdminUpdateAuthEventFeedback",
        "UpdateAuthEventFeedback", "CreateIdentityProvider", "DescribeIdentityProvider", "UpdateIdentityProvider",
        "DeleteIdentityProvider", "ListIdentityProviders", "GetIdentityProviderByIdentifier", "AdminLinkProviderForUser",
        "AdminDisableProviderForUser",
    ]

    static let cognitoAPI: FuzzTarget = { bytes in
        guard let first = bytes.first else { return }
        let (api, poolID, clientID) = pool
        let operation = operations[Int(first) % operations.count]
        // The pool's real ids stand in for placeholders, so calls reach past the lookups.
        let body = text(UnsafeRawBufferPointer(rebasing: bytes.dropFirst()))
            .replacingOccurrences(of: "$POOL", with: poolID)
            .replacingOccurrences(of: "$CLIENT", with: clientID)
        _ = blocking { (try? await api.handle(target: CognitoAPI.targetPrefix + operation, body: Array(body.utf8), logger: quiet))?.count }
    }

    /// An import file through the pre-signed URL's upload (with the job's token) and
    /// StartUserImportJob: the CSV reader, the header and row rules, the users created.
    static let userImport: FuzzTarget = { bytes in
        let (api, poolID, _) = pool
        let csv = Data(bytes)
        _ = blocking {
            let imports = api.service.imports
            guard let job = try? await imports.createJob(poolID: poolID, name: "fuzz", roleArn: "arn:aws:iam::123456789012:role/Import") else {
                return ""
            }
            guard case .stored? = try? await imports.upload(jobID: job.jobId, token: job.uploadToken, csv: csv) else {
                preconditionFailure("upload refused")
            }
            return (try? await imports.start(poolID: poolID, id: job.jobId))?.status ?? ""
        }
    }

    /// An upstream provider's ID token (a federated sign-in): the JWS and its signature check,
    /// then the claim rules and the attribute mapping on its payload as if it had been signed.
    static let upstreamIDToken: FuzzTarget = { bytes in
        let token = text(bytes)
        let keys = JSONWebKeySet(keys: [:])
        _ = try? UpstreamIDToken.verify(token, keys: keys, issuer: "https://idp.example.com", clientID: "app", nonce: "n", now: 1_800_000_000)
        let payload = token.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first.flatMap { Base64URL.decode($0) } ?? Array(bytes)
        guard let claims = (try? JSONParser.parse(payload))?.objectValue else { return }
        let verified = try? UpstreamIDToken.checkClaims(claims, issuer: "https://idp.example.com", clientID: "app", nonce: "n", now: 1_800_000_000)
        _ = verified?.attributes(["email": "email", "email_verified": "email_verified", "custom:n": "n", "name": "name", "username": "sub"])
    }
}
