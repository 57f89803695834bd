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

    /// A Cognito client for `region` at `endpoint`.
    public init(
        endpoint: AWSEndpoint,
        region: String,
        credentials: any AWSCredentialProvider,
        transport: any AWSTransport,
        timeout: Double = 3,
        retryPolicy: RetryPolicy = RetryPolicy()
    ) {
        self.client = AWSJSONClient(
            endpoint: endpoint,
            service: "cognito-idp",
            region: region,
            targetPrefix: "AWSCognitoIdentityProviderService",
            credentials: credentials,
            transport: transport,
            timeout: timeout,
            retryPolicy: retryPolicy
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
}
