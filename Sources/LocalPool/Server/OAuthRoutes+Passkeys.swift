import Foundation
import GatehouseCore
import Hummingbird

/// The hosted login's passkeys: "Sign in with a passkey" (`POST /login/passkey`, then
/// `/login/passkey/verify`), and, for a user the pool's session cookie signs in, their passkeys
/// (`GET /login/passkeys`), adding one (`/login/passkeys/add`, then `…/add/complete`) and removing
/// one (`/login/passkeys/delete`). The pool must allow `WEB_AUTHN` as a first factor.
extension OAuthRoutes {
    func passkeySignIn(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let username = form["username"]
            guard !username.isEmpty else {
                return await show("login", form.parameters, ["error": "Enter your username, then choose the passkey."], status: .badRequest)
            }
            if let refusal = await screened(form.parameters, username: username, address: address) { return refusal }
            do {
                let (session, options) = try await service.choiceSignIn.startHostedPasskey(client: form.parameters.client, username: username)
                return await show("passkey", form.parameters, ["session": session, "options": options, "username": username])
            } catch let error as LocalPoolError {
                return await show("login", form.parameters, ["username": username, "error": error.message], status: .badRequest)
            }
        }
    }

    func passkeyVerify(_ request: Request, from address: String?) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            do {
                let user = try await service.choiceSignIn.answerHostedPasskey(
                    client: form.parameters.client,
                    session: form["session"],
                    credential: form["credential"]
                )
                await recordSignIn(form.parameters, username: user.username, address: address, passed: true)
                return try await finishSignIn(form.parameters, user: user)
            } catch is LocalPoolError {
                return await show(
                    "login",
                    form.parameters,
                    ["error": "Your passkey did not sign you in. Try again, or sign in with your password."],
                    status: .unauthorized
                )
            }
        }
    }

    func passkeysPage(_ request: Request) async throws -> Response {
        try await answering {
            let parameters = try await authorizeParameters(request)
            guard let user = await signedInUser(request, parameters) else {
                return await show("login", parameters, ["notice": "Sign in first; then you can add a passkey."])
            }
            return await showPasskeys(parameters, user: user)
        }
    }

    func passkeyAdd(_ request: Request) async throws -> Response {
        try await answering {
            let (form, user) = try await signedInForm(request)
            do {
                let options = try await service.passkeys.startRegistration(user: user)
                let values: [String: Any] = ["options": String(decoding: options.serialized, as: UTF8.self), "username": user.username]
                return await show("passkey-add", form.parameters, values)
            } catch let error as LocalPoolError {
                return await showPasskeys(form.parameters, user: user, ["error": error.message], status: .badRequest)
            }
        }
    }

    func passkeyAddComplete(_ request: Request) async throws -> Response {
        try await answering {
            let (form, user) = try await signedInForm(request)
            guard let credential = try? JSONParser.parse(Array(form["credential"].utf8)) else {
                return await showPasskeys(form.parameters, user: user, ["error": "The browser's answer could not be read."], status: .badRequest)
            }
            do {
                try await service.passkeys.completeRegistration(user: user, credential: credential)
            } catch let error as LocalPoolError {
                return await showPasskeys(form.parameters, user: user, ["error": error.message], status: .badRequest)
            }
            return await showPasskeys(form.parameters, user: user, ["notice": "Passkey added."])
        }
    }

    func passkeyDelete(_ request: Request) async throws -> Response {
        try await answering {
            let (form, user) = try await signedInForm(request)
            do {
                try await service.passkeys.delete(user: user, credentialID: form["credential_id"])
            } catch let error as LocalPoolError {
                return await showPasskeys(form.parameters, user: user, ["error": error.message], status: .badRequest)
            }
            return await showPasskeys(form.parameters, user: user, ["notice": "Passkey removed."])
        }
    }

    /// The user the pool's session cookie signs in, for the pool of `parameters`' client.
    private func signedInUser(_ request: Request, _ parameters: AuthorizeRequest) async -> UserRecord? {
        await service.hostedLogin.ssoUser(poolID: parameters.client.poolId, cookie: request.cookies[Self.sessionCookie]?.value)?.user
    }

    /// A passkey form of a signed-in user (the form checked as every hosted form is).
    private func signedInForm(_ request: Request) async throws -> (HostedForm, UserRecord) {
        let form = try await hostedForm(request)
        guard let user = await signedInUser(request, form.parameters) else {
            throw await PageAnswer(
                response: show("login", form.parameters, ["error": "Your session ended. Sign in, then add the passkey."], status: .unauthorized)
            )
        }
        return (form, user)
    }

    /// The passkeys page of `user` (read again, so a change just made shows).
    private func showPasskeys(
        _ parameters: AuthorizeRequest,
        user: UserRecord,
        _ values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async -> Response {
        guard let pool = try? await service.pools.pool(parameters.client.poolId), pool.firstAuthFactors.contains(.webAuthn) else {
            return errorPage("This user pool does not allow passkeys.", status: .notFound)
        }
        let current = (try? await service.users.user(poolID: user.poolId, username: user.username)) ?? user
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        var all = values
        all["username"] = current.username
        all["passkeys"] = (current.webAuthnCredentials ?? []).enumerated().map { index, credential -> [String: Any] in
            let kind =
                switch credential.attachment {
                case "platform": "Passkey on this device"
                case "cross-platform": "Security key"
                default: "Passkey"
                }
            return [
                "index": index + 1, "id": credential.id, "label": "\(kind) \(credential.id.prefix(8))…",
                "created": day.string(from: Date(timeIntervalSince1970: credential.createdAt)),
            ]
        }
        return await show("passkeys", parameters, all, status: status)
    }
}
