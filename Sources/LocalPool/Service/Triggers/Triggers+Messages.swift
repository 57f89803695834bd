import GatehouseCore
import Logging

/// Why the pool sends a message: the CustomMessage trigger's sources.
enum MessageSource: String, Sendable {
    case signUp = "CustomMessage_SignUp"
    case resendCode = "CustomMessage_ResendCode"
    case forgotPassword = "CustomMessage_ForgotPassword"
    case updateUserAttribute = "CustomMessage_UpdateUserAttribute"
    case verifyUserAttribute = "CustomMessage_VerifyUserAttribute"
    case adminCreateUser = "CustomMessage_AdminCreateUser"
    case authentication = "CustomMessage_Authentication"

    /// Cognito's default email and text message for the source, with their placeholders.
    var defaultMessage: Triggers.Message {
        let code = Triggers.codePlaceholder
        switch self {
        case .authentication:
            return Triggers.Message(
                subject: "Your sign-in code",
                body: "Your sign-in code is \(code). ",
                sms: "Your authentication code is \(code). "
            )
        case .adminCreateUser:
            let invitation = "Your username is \(Triggers.usernamePlaceholder) and temporary password is \(code). "
            return Triggers.Message(subject: "Your temporary password", body: invitation, sms: invitation)
        default:
            return Triggers.Message(
                subject: "Your verification code",
                body: "Your verification code is \(code). ",
                sms: "Your verification code is \(code). "
            )
        }
    }
}

/// The CustomMessage trigger: the email that carries a code (or an invitation's temporary
/// password) worded by the pool's function, before the pool "sends" it to its log.
extension Triggers {
    /// A message: the email's subject and body, and the text message (SMS) sent instead to a
    /// phone, placeholders and all until it is sent.
    struct Message: Sendable, Equatable {
        var subject: String
        var body: String
        var sms: String = ""

        /// The message with the code (and the username, for an invitation) in place.
        func filled(code: String, username: String) -> Message {
            func fill(_ text: String) -> String {
                text.replacing(Triggers.codePlaceholder, with: code).replacing(Triggers.usernamePlaceholder, with: username)
            }
            return Message(subject: subject, body: fill(body), sms: fill(sms))
        }
    }

    /// `codeParameter`: where the code goes.
    static let codePlaceholder = "{####}"
    /// `usernameParameter` (invitations): where the username goes.
    static let usernamePlaceholder = "{username}"

    /// The email for `source` to `user`: the default one, or the pool's CustomMessage function's
    /// `emailSubject` and `emailMessage`. A message without the code's placeholder (or, for an
    /// invitation, the username's) is not used, as on Cognito: the default goes out instead.
    func customMessage(
        pool: PoolRecord,
        source: MessageSource,
        user: UserRecord,
        clientID: String?,
        clientMetadata: [String: String]?
    ) async throws(LocalPoolError) -> Message {
        let standard = source.defaultMessage
        let invitation = source == .adminCreateUser
        let answer = try await run(
            "CustomMessage",
            arn: pool.lambdaConfig?.customMessage,
            source: source.rawValue,
            poolID: pool.id,
            Invocation(
                userName: user.username,
                clientID: clientID,
                request: [
                    "userAttributes": Self.attributes(user.attributes + [UserRecord.Attribute(name: "sub", value: user.sub)]),
                    "codeParameter": .string(Self.codePlaceholder),
                    "linkParameter": .string("{##Click Here##}"),
                    "usernameParameter": invitation ? .string(Self.usernamePlaceholder) : .null,
                    "clientMetadata": Self.strings(clientMetadata ?? [:]),
                ],
                response: ["smsMessage": .null, "emailMessage": .null, "emailSubject": .null]
            )
        )
        guard let answer else { return standard }
        return Self.message(answer, standard: standard, invitation: invitation, logger: context.logger)
    }

    /// CustomMessage's answer read: a string subject, body and text message where given; a body
    /// or text message that leaves out a placeholder keeps the default (logged).
    static func message(_ answer: [String: JSONValue], standard: Message, invitation: Bool, logger: Logger) -> Message {
        var message = standard
        if let subject = answer["emailSubject"]?.stringValue, !subject.isEmpty { message.subject = subject }
        func placed(_ member: String) -> String? {
            guard let text = answer[member]?.stringValue else { return nil }
            guard text.contains(codePlaceholder), !invitation || text.contains(usernamePlaceholder) else {
                logger.warning(
                    "gatehouse.pool.custom_message_ignored",
                    metadata: ["gatehouse.reason": "\(member) leaves out \(invitation ? "{####} or {username}" : "{####}")"]
                )
                return nil
            }
            return text
        }
        if let body = placed("emailMessage") { message.body = body }
        if let sms = placed("smsMessage") { message.sms = sms }
        return message
    }
}
