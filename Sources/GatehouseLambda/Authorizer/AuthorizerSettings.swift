public import GatehouseCore

/// Which handler the bootstrap runs: the API (`api`, the default) or the API Gateway Lambda
/// authorizer (`authorizer`), from `GATEHOUSE_LAMBDA_HANDLER`.
public enum LambdaHandlerKind: String, Sendable {
    /// The API behind API Gateway's proxy integration.
    case api
    /// A REQUEST authorizer for the app's other functions.
    case authorizer

    /// `GATEHOUSE_LAMBDA_HANDLER`.
    public static let variable = "GATEHOUSE_LAMBDA_HANDLER"

    /// The kind `environment` names; an unknown value is an error naming the variable.
    public init(environment: [String: String]) throws(ConfigurationError) {
        guard let text = environment.nonEmpty(Self.variable) else {
            self = .api
            return
        }
        guard let kind = LambdaHandlerKind(rawValue: text.lowercased()) else {
            throw ConfigurationError(variable: Self.variable, problem: "must be api or authorizer")
        }
        self = kind
    }
}

/// What the authorizer adds to the API's configuration.
public struct AuthorizerSettings: Sendable, Equatable {
    /// `GATEHOUSE_AUTHORIZER_PASS_TOKEN=on`: the access token goes into the context
    /// (`accessToken`), for functions that call other services as the user.
    public var passesToken: Bool
    /// `GATEHOUSE_AUTHORIZER_REQUIRE_GROUPS`: a user in none of these is denied (any one admits);
    /// empty: every signed-in user is allowed.
    public var requiredGroups: [String]

    /// The variables.
    public enum Variable {
        /// `GATEHOUSE_AUTHORIZER_PASS_TOKEN`: `on` or `off` (the default).
        public static let passToken = "GATEHOUSE_AUTHORIZER_PASS_TOKEN"
        /// `GATEHOUSE_AUTHORIZER_REQUIRE_GROUPS`: comma-separated group names.
        public static let requireGroups = "GATEHOUSE_AUTHORIZER_REQUIRE_GROUPS"
    }

    /// Settings from their parts.
    public init(passesToken: Bool = false, requiredGroups: [String] = []) {
        self.passesToken = passesToken
        self.requiredGroups = requiredGroups
    }

    /// The settings in `environment`; a malformed value is an error naming its variable.
    public init(environment: [String: String]) throws(ConfigurationError) {
        switch environment.nonEmpty(Variable.passToken)?.lowercased() {
        case nil, "off": passesToken = false
        case "on": passesToken = true
        default: throw ConfigurationError(variable: Variable.passToken, problem: "must be on or off")
        }
        requiredGroups = environment.list(Variable.requireGroups)
    }
}
