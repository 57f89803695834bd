import GatehouseCore
import GatehouseEdge
import Hummingbird

/// The hosted sign-in's steps after the password: a new password, an MFA code, an authenticator
/// to set up (`POST /login/new-password`, `/login/mfa`, `/login/mfa-setup`).
extension OAuthRoutes {
    /// A step whose session is gone (expired, used, or ended by wrong codes): back to sign in.
    func sessionEnded(_ parameters: AuthorizeRequest, _ message: String = "Your sign-in expired. Please sign in again.") async -> Response {
        await show("login", parameters, ["error": message], status: .unauthorized)
    }

    func newPassword(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let session = form["session"]
            let user: UserRecord
            do {
                user = try await service.signIn.completeNewPassword(
                    client: form.parameters.client,
                    session: session,
                    username: nil,
                    newPassword: form["password"],
                    attributes: []
                )
            } catch let error as LocalPoolError {
                guard error.name == .invalidPassword else { return await sessionEnded(form.parameters) }
                return await show("new-password", form.parameters, ["session": session, "error": error.message], status: .badRequest)
            }
            return try await proceed(form.parameters, after: user, from: address)
        }
    }

    func mfaCode(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let session = form["session"]
            do {
                let user = try await service.mfa.answerSoftwareTokenMFA(
                    client: form.parameters.client,
                    session: session,
                    username: nil,
                    code: form["code"]
                )
                await recordSignIn(form.parameters, username: user.username, address: address, passed: true, mfa: true)
                return try await finishSignIn(form.parameters, user: user)
            } catch let error as LocalPoolError where error.name == .codeMismatch {
                // Five wrong codes end the session; the page says which it is.
                guard
                    let pending = try? await service.signIn.pendingChallenge(
                        .softwareTokenMFA,
                        session: session,
                        client: form.parameters.client,
                        username: nil
                    )
                else {
                    return await sessionEnded(form.parameters, "Too many wrong codes. Please sign in again.")
                }
                await recordSignIn(form.parameters, username: pending.1.username, address: address, passed: false, mfa: false)
                return await show(
                    "mfa",
                    form.parameters,
                    ["session": session, "error": "That code is not right. Enter the current one."],
                    status: .unauthorized
                )
            } catch let error as LocalPoolError where error.name == .notAuthorized {
                return await sessionEnded(form.parameters)
            }
        }
    }

    func mfaSetup(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let session = form["session"]
            do {
                try await service.mfa.verifySoftwareToken(.session(session), code: form["code"])
                let user = try await service.mfa.completeMFASetup(client: form.parameters.client, session: session, username: nil)
                await recordSignIn(form.parameters, username: user.username, address: address, passed: true, mfa: true)
                return try await finishSignIn(form.parameters, user: user)
            } catch let error as LocalPoolError where error.name == .enableSoftwareTokenMFA {
                guard let secret = try? await service.mfa.pendingSoftwareTokenSecret(session: session) else {
                    return await sessionEnded(form.parameters)
                }
                let username = (try? await service.signIn.pendingChallenge(.mfaSetup, session: session, client: nil, username: nil).1.username) ?? ""
                var values = setupValues(session: session, secret: secret, username: username)
                values["error"] = "That code is not right. Enter the one your app shows now."
                return await show("mfa-setup", form.parameters, values, status: .unauthorized)
            } catch let error as LocalPoolError where error.name == .notAuthorized || error.name == .softwareTokenMFANotFound {
                return await sessionEnded(form.parameters)
            }
        }
    }

    /// What the authenticator set-up page shows: the secret, and its `otpauth://` URI.
    func setupValues(session: String, secret: String, username: String) -> [String: Any] {
        let label = URLEncoding.percentEncode("Gatehouse:" + username)
        return ["session": session, "secret": secret, "otpauth": "otpauth://totp/\(label)?secret=\(secret)&issuer=Gatehouse"]
    }
}
