import GatehouseEdge
import Hummingbird

/// The hosted account pages: sign up and confirm (`/login/signup`, `/login/confirm`,
/// `/login/resend`), and a forgotten password (`/login/forgot`, `/login/reset`). The pool sends no
/// mail: the pages say where the codes are.
extension OAuthRoutes {
    func signUpPage(_ request: Request) async throws -> Response {
        try await answering {
            let parameters = try await authorizeParameters(request)
            guard await service.pools.allowsSignUp(poolID: parameters.client.poolId) else {
                return errorPage("Sign-up is not permitted for this user pool.")
            }
            return await show("sign-up", parameters)
        }
    }

    func signUp(_ request: Request) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let client = form.parameters.client
            let (username, email) = (form["username"], form["email"])
            do {
                let result = try await service.accounts.signUp(
                    client: client,
                    username: username,
                    password: form["password"],
                    attributes: email.isEmpty ? [] : [UserRecord.Attribute(name: "email", value: email)],
                    secretHash: SecretHash.forClient(client, username: username)
                )
                if result.confirmed {
                    return await show("login", form.parameters, ["username": username, "notice": "Your account is confirmed. Sign in."])
                }
                let notice = result.delivery.map { "We sent a code to \($0.destination)." } ?? "Your code is ready."
                return await show("confirm", form.parameters, ["username": username, "notice": notice])
            } catch let error as LocalPoolError {
                return await show("sign-up", form.parameters, ["username": username, "email": email, "error": error.message], status: .badRequest)
            }
        }
    }

    func confirm(_ request: Request) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let client = form.parameters.client
            let username = form["username"]
            do {
                try await service.accounts.confirmSignUp(
                    client: client,
                    username: username,
                    code: form["code"],
                    secretHash: SecretHash.forClient(client, username: username)
                )
            } catch let error as LocalPoolError {
                return await show("confirm", form.parameters, ["username": username, "error": error.message], status: .badRequest)
            }
            return await show("login", form.parameters, ["username": username, "notice": "Your account is confirmed. Sign in."])
        }
    }

    func resend(_ request: Request) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let client = form.parameters.client
            let username = form["username"]
            do {
                _ = try await service.accounts.resendConfirmationCode(
                    client: client,
                    username: username,
                    secretHash: SecretHash.forClient(client, username: username)
                )
            } catch let error as LocalPoolError {
                return await show("confirm", form.parameters, ["username": username, "error": error.message], status: .badRequest)
            }
            return await show("confirm", form.parameters, ["username": username, "notice": "A new code is on its way."])
        }
    }

    func forgotPage(_ request: Request) async throws -> Response {
        try await answering { await show("forgot", try authorizeParameters(request)) }
    }

    func forgot(_ request: Request) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let client = form.parameters.client
            let username = form["username"]
            do {
                let delivery = try await service.accounts.forgotPassword(
                    client: client,
                    username: username,
                    secretHash: SecretHash.forClient(client, username: username)
                )
                let notice = delivery.map { "If the account exists, we sent a code to \($0.destination)." } ?? "Your code is ready."
                return await show("reset", form.parameters, ["username": username, "notice": notice])
            } catch let error as LocalPoolError {
                return await show("forgot", form.parameters, ["username": username, "error": error.message], status: .badRequest)
            }
        }
    }

    func reset(_ request: Request) async throws -> Response {
        try await answering {
            let form = try await hostedForm(request)
            let client = form.parameters.client
            let username = form["username"]
            do {
                try await service.accounts.confirmForgotPassword(
                    client: client,
                    username: username,
                    code: form["code"],
                    password: form["password"],
                    secretHash: SecretHash.forClient(client, username: username)
                )
            } catch let error as LocalPoolError {
                return await show("reset", form.parameters, ["username": username, "error": error.message], status: .badRequest)
            }
            return await show("login", form.parameters, ["username": username, "notice": "Your password is set. Sign in."])
        }
    }
}
