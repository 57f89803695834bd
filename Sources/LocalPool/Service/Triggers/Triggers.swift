import GatehouseCore
import Logging

/// The pool's Lambda triggers: the event Cognito's developer guide documents, sent to the
/// configured function through the ``TriggerInvoker``, and its `response` read back. A failure
/// is Cognito's error for it, so the operation that fired the trigger stops there.
package struct Triggers: Sendable {
    let context: PoolContext

    /// What a trigger is fired with, besides its pool and source.
    struct Invocation {
        /// `userName`.
        var userName: String
        /// `callerContext.clientId` (nil: an admin operation without a client).
        var clientID: String?
        /// `request`.
        var request: [String: JSONValue]
        /// `response` as sent: the defaults the function may change.
        var response: [String: JSONValue]
    }

    /// The `response` of `trigger`'s function (`PreSignUp`, …) for `source`, or nil when the pool
    /// has no such trigger.
    func run(
        _ trigger: String,
        arn: String?,
        source: String,
        poolID: String,
        _ invocation: Invocation,
        version: String = "1"
    ) async throws(LocalPoolError) -> [String: JSONValue]? {
        guard let arn else { return nil }
        let name = LambdaTriggers.functionName(of: arn) ?? arn
        let event = JSONValue.object([
            "version": .string(version),
            "triggerSource": .string(source),
            "region": .string(String(poolID.prefix { $0 != "_" })),
            "userPoolId": .string(poolID),
            "userName": .string(invocation.userName),
            "callerContext": .object([
                "awsSdkVersion": .string("aws-sdk-unknown-unknown"),
                "clientId": invocation.clientID.map(JSONValue.string) ?? .string("CLIENT_ID_NOT_APPLICABLE"),
            ]),
            "request": .object(invocation.request),
            "response": .object(invocation.response),
        ])
        let body = event.serialized
        guard let invoker = context.triggerInvoker else {
            context.logger.error(
                "gatehouse.pool.trigger_unavailable",
                metadata: [
                    "gatehouse.trigger": "\(trigger)", "gatehouse.function": "\(name)",
                    "gatehouse.hint": "run it with serve --trigger \(name)=COMMAND, or set AWS_ENDPOINT_URL_LAMBDA (sam local start-lambda)",
                ]
            )
            throw Self.unexpected(trigger, "AccessDeniedException")
        }
        let answer: [UInt8]
        do {
            answer = try await invoker.invoke(functionARN: arn, functionName: name, event: body)
        } catch {
            switch error {
            case .handler(let message):
                throw LocalPoolError(.userLambdaValidation, "\(trigger) failed with error \(message).")
            case .timedOut:
                context.logger.warning("gatehouse.pool.trigger_timeout", metadata: ["gatehouse.function": "\(name)"])
                throw Self.unexpected(trigger, "Socket timeout while invoking Lambda function")
            case .unreachable(let reason):
                context.logger.error(
                    "gatehouse.pool.trigger_unreachable",
                    metadata: ["gatehouse.function": "\(name)", "gatehouse.error": "\(reason)"]
                )
                throw Self.unexpected(trigger, "AccessDeniedException")
            }
        }
        guard let parsed = try? JSONParser.parse(answer), case .object(let members) = parsed,
            case .object(let response)? = members["response"] ?? .object([:])
        else {
            context.logger.warning("gatehouse.pool.trigger_unreadable", metadata: ["gatehouse.function": "\(name)"])
            throw LocalPoolError(.invalidLambdaResponse, "Unrecognizable lambda output")
        }
        return response
    }

    static func unexpected(_ trigger: String, _ reason: String) -> LocalPoolError {
        LocalPoolError(.unexpectedLambda, "\(trigger) invocation failed due to error \(reason).")
    }

    /// A user's attributes as a trigger's `request.userAttributes`.
    static func attributes(_ attributes: [UserRecord.Attribute]) -> JSONValue {
        .object(Dictionary(attributes.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { _, last in last }))
    }

    /// `clientMetadata` or `validationData` as sent (string to string).
    static func strings(_ values: [String: String]?) -> JSONValue {
        guard let values else { return .null }
        return .object(values.mapValues(JSONValue.string))
    }
}
