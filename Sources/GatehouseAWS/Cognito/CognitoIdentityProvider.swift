public import GatehouseCore
public import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The cognito-idp operations Gatehouse calls, over an ``AWSJSONClient``.
public struct CognitoIdentityProvider: Sendable {
    /// The JSON client, with service `cognito-idp` and target `AWSCognitoIdentityProviderService`.
    public let client: AWSJSONClient

    /// A Cognito client on `client`.
    public init(client: AWSJSONClient) {
        self.client = client
    }

    /// A Cognito client for `region` at `endpoint`; without `credentials` it makes only the
    /// calls an access token authorises (``getUser(accessToken:logger:)``, ``globalSignOut(accessToken:logger:)``).
    public init(
        endpoint: AWSEndpoint,
        region: String,
        credentials: (any AWSCredentialProvider)?,
        transport: any AWSTransport,
        timeout: Double = 3,
        retryPolicy: RetryPolicy = RetryPolicy(),
        metrics: GatehouseMetrics = GatehouseMetrics()
    ) {
        self.client = AWSJSONClient(
            endpoint: endpoint,
            service: "cognito-idp",
            region: region,
            targetPrefix: "AWSCognitoIdentityProviderService",
            credentials: credentials,
            transport: transport,
            timeout: timeout,
            retryPolicy: retryPolicy,
            metrics: metrics
        )
    }

    /// A user attribute.
    public struct AttributeType: Codable, Sendable, Equatable {
        /// The attribute name.
        public var name: String
        /// Its value.
        public var value: String?

        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case value = "Value"
        }
    }

    /// The AdminGetUser response (the fields Gatehouse uses).
    public struct AdminGetUserResponse: Decodable, Sendable {
        /// The username.
        public var username: String
        /// The attributes.
        public var userAttributes: [AttributeType]?
        /// Whether the user is enabled.
        public var enabled: Bool?
        /// The user status.
        public var userStatus: String?

        enum CodingKeys: String, CodingKey {
            case username = "Username"
            case userAttributes = "UserAttributes"
            case enabled = "Enabled"
            case userStatus = "UserStatus"
        }
    }

    /// `AdminGetUser`: a user's attributes and status. Needs `cognito-idp:AdminGetUser` on the pool.
    public func adminGetUser(
        userPoolID: String,
        username: String,
        logger: Logger
    ) async throws(AWSError) -> AdminGetUserResponse {
        struct Request: Encodable {
            var UserPoolId: String
            var Username: String
        }
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(Request(UserPoolId: userPoolID, Username: username)))
        } catch {
            throw AWSError(code: "SerializationError", message: "request could not be encoded", status: 0)
        }
        let response = try await client.call("AdminGetUser", body: body, logger: logger)
        do {
            return try JSONDecoder().decode(AdminGetUserResponse.self, from: Data(response))
        } catch {
            throw AWSError(code: "SerializationError", message: "unexpected AdminGetUser response", status: 200)
        }
    }

    /// `AdminUserGlobalSignOut`: every token of `username` ends. Needs
    /// `cognito-idp:AdminUserGlobalSignOut` on the pool.
    public func adminUserGlobalSignOut(userPoolID: String, username: String, logger: Logger) async throws(AWSError) {
        var request = JSONWriter()
        request.add("UserPoolId", userPoolID)
        request.add("Username", username)
        _ = try await client.call("AdminUserGlobalSignOut", body: request.finish(), logger: logger)
    }

    /// `GetUser` with an access token (no IAM: the token authorises it); Cognito answers
    /// `NotAuthorizedException` for revoked, signed-out or otherwise refused tokens.
    public func getUser(accessToken: String, logger: Logger) async throws(AWSError) {
        var request = JSONWriter()
        request.add("AccessToken", accessToken)
        _ = try await client.call("GetUser", body: request.finish(), logger: logger)
    }

    /// `GlobalSignOut` with an access token (no IAM: the token authorises it; it needs the
    /// `aws.cognito.signin.user.admin` scope).
    public func globalSignOut(accessToken: String, logger: Logger) async throws(AWSError) {
        var request = JSONWriter()
        request.add("AccessToken", accessToken)
        _ = try await client.call("GlobalSignOut", body: request.finish(), logger: logger)
    }
}

/// Cognito as the ``AccessTokenAuthority``: `GetUser` and `GlobalSignOut`, unsigned.
public struct CognitoAccessTokenAuthority: AccessTokenAuthority {
    private let cognito: CognitoIdentityProvider

    /// The authority of the pool behind `cognito` (a client without credentials will do).
    public init(cognito: CognitoIdentityProvider) {
        self.cognito = cognito
    }

    public func isLive(accessToken: String, logger: Logger) async throws(DirectoryError) -> Bool {
        do {
            try await cognito.getUser(accessToken: accessToken, logger: logger)
            return true
        } catch  where error.code == "NotAuthorizedException" || error.code == "UserNotFoundException" {
            return false
        } catch {
            throw Self.directoryError(error)
        }
    }

    public func globalSignOut(accessToken: String, logger: Logger) async throws(DirectoryError) {
        do {
            try await cognito.globalSignOut(accessToken: accessToken, logger: logger)
        } catch {
            throw Self.directoryError(error)
        }
    }

    static func directoryError(_ error: AWSError) -> DirectoryError {
        switch error.code {
        case "NotAuthorizedException", "UserNotFoundException": DirectoryError(.userNotFound, detail: error.description)
        case _ where error.isRetryable: DirectoryError(.unavailable, retryAfter: 1, detail: error.description)
        default: DirectoryError(.misconfigured, detail: error.description)
        }
    }
}

/// Cognito as the ``UserSignOut``: `AdminUserGlobalSignOut`, signed with the server's IAM
/// credentials (the role needs `cognito-idp:AdminUserGlobalSignOut` on the pool).
public struct CognitoAdminSignOut: UserSignOut {
    /// The pool.
    public let userPoolID: String
    private let cognito: CognitoIdentityProvider

    /// Signs users of `userPoolID` out through `cognito` (a client with credentials).
    public init(userPoolID: String, cognito: CognitoIdentityProvider) {
        self.userPoolID = userPoolID
        self.cognito = cognito
    }

    public func signOutEverywhere(username: String, logger: Logger) async throws(DirectoryError) {
        do {
            try await cognito.adminUserGlobalSignOut(userPoolID: userPoolID, username: username, logger: logger)
        } catch {
            throw CognitoUserDirectory.directoryError(error)
        }
    }
}
