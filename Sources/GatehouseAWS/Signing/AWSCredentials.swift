/// AWS credentials. `description` never shows the secret or the session token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key id.
    public let accessKeyID: String
    /// The secret access key.
    public let secretAccessKey: String
    /// The session token of temporary credentials (Lambda's execution role has one).
    public let sessionToken: String?

    /// Credentials from their parts.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: <redacted>, sessionToken: \(sessionToken == nil ? "none" : "<redacted>"))"
    }
}

/// Supplies credentials for signing: the seam for environment, files or a metadata service.
public protocol AWSCredentialProvider: Sendable {
    /// The credentials to sign the next request with.
    func credentials() async throws -> AWSCredentials
}

/// A provider that always returns the same credentials.
public struct StaticCredentialProvider: AWSCredentialProvider {
    private let value: AWSCredentials

    /// Always `credentials`.
    public init(_ credentials: AWSCredentials) {
        self.value = credentials
    }

    public func credentials() async throws -> AWSCredentials { value }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
public enum EnvironmentCredentials {
    /// Reads the credentials; the error names the missing variable.
    public static func load(from environment: [String: String]) throws(CredentialsError) -> AWSCredentials {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty else {
            throw CredentialsError(variable: "AWS_ACCESS_KEY_ID")
        }
        guard let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw CredentialsError(variable: "AWS_SECRET_ACCESS_KEY")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
    }
}

/// A credential variable is missing.
public struct CredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The missing variable.
    public let variable: String

    /// An error about `variable`.
    public init(variable: String) {
        self.variable = variable
    }

    public var description: String { "\(variable): not set; AWS credentials are needed to call Cognito" }
}
