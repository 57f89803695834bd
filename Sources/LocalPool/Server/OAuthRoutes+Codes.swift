import GatehouseCore
import GatehouseEdge
import Hummingbird

/// The hosted login's "Email me a code" (`POST /login/email-code`, then
/// `/login/email-code/verify`): a pool that allows EMAIL_OTP signs its users in with a code sent
/// to their verified email, without the password or an MFA step.
extension OAuthRoutes {
    func emailCode(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let username = form["username"]
            if let refusal = await screened(form.parameters, username: username, address: address) { return refusal }
            do {
                let (session, destination) = try await service.choiceSignIn.startHostedEmailCode(client: form.parameters.client, username: username)
                return await show("email-code", form.parameters, ["session": session, "notice": "We sent a code to \(destination)."])
            } catch let error as LocalPoolError where error.name == .limitExceeded || error.name == .userLambdaValidation {
                return await show("login", form.parameters, ["username": username, "error": error.message], status: .tooManyRequests)
            } catch let error as LocalPoolError {
                return await show("login", form.parameters, ["username": username, "error": error.message], status: .badRequest)
            }
        }
    }

    func emailCodeVerify(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let session = form["session"]
            do {
                let user = try await service.choiceSignIn.answerHostedEmailCode(client: form.parameters.client, session: session, code: form["code"])
                await recordSignIn(form.parameters, username: user.username, address: address, passed: true)
                return try await finishSignIn(form.parameters, user: user)
            } catch let error as LocalPoolError where error.name == .codeMismatch {
                return await show(
                    "email-code",
                    form.parameters,
                    ["session": session, "error": "That code is not right. Check the email and try again."],
                    status: .unauthorized
                )
            } catch let error as LocalPoolError where error.name == .limitExceeded {
                return await sessionEnded(form.parameters, "Too many wrong codes. Please sign in again.")
            } catch is LocalPoolError {
                return await sessionEnded(form.parameters)
            }
        }
    }
}
