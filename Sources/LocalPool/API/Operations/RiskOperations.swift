/// Threat protection: SetRiskConfiguration, DescribeRiskConfiguration, AdminListUserAuthEvents,
/// AdminUpdateAuthEventFeedback and UpdateAuthEventFeedback.
enum RiskOperations {
    static let handlers: [String: OperationHandler] = [
        SetRiskConfiguration.name: SetRiskConfiguration.handler, DescribeRiskConfiguration.name: DescribeRiskConfiguration.handler,
        AdminListUserAuthEvents.name: AdminListUserAuthEvents.handler,
        AdminUpdateAuthEventFeedback.name: AdminUpdateAuthEventFeedback.handler,
        UpdateAuthEventFeedback.name: UpdateAuthEventFeedback.handler,
    ]

    /// `RiskConfigurationType`.
    struct RiskConfigurationType: Encodable, Sendable {
        var userPoolId: String
        var clientId: String?
        var compromisedCredentialsRiskConfiguration: RiskConfiguration.CompromisedCredentials?
        var accountTakeoverRiskConfiguration: RiskConfiguration.AccountTakeover?
        var riskExceptionConfiguration: RiskConfiguration.RiskExceptions?
        var lastModifiedDate: Double?

        init(poolID: String, clientID: String?, _ configuration: RiskConfiguration?) {
            userPoolId = poolID
            clientId = clientID
            compromisedCredentialsRiskConfiguration = configuration?.compromisedCredentialsRiskConfiguration
            accountTakeoverRiskConfiguration = configuration?.accountTakeoverRiskConfiguration
            riskExceptionConfiguration = configuration?.riskExceptionConfiguration
            lastModifiedDate = configuration?.lastModifiedDate
        }
    }

    struct Response: Encodable, Sendable {
        var riskConfiguration: RiskConfigurationType
    }

    struct SetRiskConfiguration: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String?
            var compromisedCredentialsRiskConfiguration: RiskConfiguration.CompromisedCredentials?
            var accountTakeoverRiskConfiguration: RiskConfiguration.AccountTakeover?
            var riskExceptionConfiguration: RiskConfiguration.RiskExceptions?
        }
        static let name = "SetRiskConfiguration"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let configuration = RiskConfiguration(
                compromisedCredentialsRiskConfiguration: request.compromisedCredentialsRiskConfiguration,
                accountTakeoverRiskConfiguration: request.accountTakeoverRiskConfiguration,
                riskExceptionConfiguration: request.riskExceptionConfiguration
            )
            let stored = try await api.service.threats.setRiskConfiguration(poolID: request.userPoolId, clientID: request.clientId, configuration)
            return Response(riskConfiguration: RiskConfigurationType(poolID: request.userPoolId, clientID: request.clientId, stored))
        }
    }

    struct DescribeRiskConfiguration: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var clientId: String?
        }
        static let name = "DescribeRiskConfiguration"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let (clientID, configuration) = try await api.service.threats.riskConfiguration(poolID: request.userPoolId, clientID: request.clientId)
            return Response(riskConfiguration: RiskConfigurationType(poolID: request.userPoolId, clientID: clientID, configuration))
        }
    }

    struct AdminListUserAuthEvents: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var maxResults: Int?
            var nextToken: String?
        }
        /// `AuthEventType`.
        struct AuthEventType: Encodable, Sendable {
            struct Risk: Encodable, Sendable {
                var riskDecision: String
                var compromisedCredentialsDetected = false
            }
            struct ChallengeResponse: Encodable, Sendable {
                var challengeName: String
                var challengeResponse: String
            }
            struct ContextData: Encodable, Sendable {
                var ipAddress: String?
            }
            struct Feedback: Encodable, Sendable {
                var feedbackValue: String
                var provider: String
                var feedbackDate: Double
            }
            var eventId: String
            var eventType: String
            var creationDate: Double
            var eventResponse: String
            var eventRisk: Risk
            var challengeResponses: [ChallengeResponse]
            var eventContextData: ContextData
            var eventFeedback: Feedback?

            init(_ event: AuthEventRecord) {
                eventId = event.eventId
                eventType = event.eventType
                creationDate = event.createdAt
                eventResponse = event.response
                eventRisk = Risk(riskDecision: event.riskDecision)
                challengeResponses = event.challenges.map { ChallengeResponse(challengeName: $0.name, challengeResponse: $0.response) }
                eventContextData = ContextData(ipAddress: event.ipAddress)
                eventFeedback = event.feedback.map { Feedback(feedbackValue: $0.value, provider: $0.provider, feedbackDate: $0.date) }
            }
        }
        struct Response: Encodable, Sendable {
            var authEvents: [AuthEventType]
            var nextToken: String?
        }
        static let name = "AdminListUserAuthEvents"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> Response {
            let maximum = try Validate.within(request.maxResults, 0...60, "maxResults").flatMap { $0 == 0 ? nil : $0 } ?? 60
            let all = try await api.service.threats.events(poolID: request.userPoolId, username: request.username)
            let (page, next) = IndexPages.page(all, token: request.nextToken, maximum: maximum)
            return Response(authEvents: page.map(AuthEventType.init), nextToken: next)
        }
    }

    struct AdminUpdateAuthEventFeedback: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var eventId: String
            var feedbackValue: String
        }
        static let name = "AdminUpdateAuthEventFeedback"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.threats.setFeedback(
                poolID: request.userPoolId,
                username: request.username,
                eventID: request.eventId,
                value: request.feedbackValue,
                token: nil
            )
            return EmptyShape()
        }
    }

    struct UpdateAuthEventFeedback: CognitoOperation {
        struct Request: Decodable, Sendable {
            var userPoolId: String
            var username: String
            var eventId: String
            var feedbackToken: String
            var feedbackValue: String
        }
        static let name = "UpdateAuthEventFeedback"
        static func run(_ request: Request, api: CognitoAPI) async throws(LocalPoolError) -> EmptyShape {
            try await api.service.threats.setFeedback(
                poolID: request.userPoolId,
                username: request.username,
                eventID: request.eventId,
                value: request.feedbackValue,
                token: request.feedbackToken
            )
            return EmptyShape()
        }
    }
}
