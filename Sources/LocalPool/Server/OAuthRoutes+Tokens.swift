import Crypto
import Foundation
import GatehouseCore
import GatehouseEdge
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `/oauth2/token`, `/oauth2/revoke`, `/oauth2/userInfo` and `/logout`.
extension OAuthRoutes {
    // MARK: token, revoke, userInfo

    /// The form body of a token-endpoint request and the client it authenticates as.
    func clientForm(_ request: Request) async throws -> ([String: String], Result<ClientRecord, OAuthError>) {
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let form = FormData.parse(String(buffer: body)) else {
            return ([:], .failure(OAuthError("invalid_request", "the form body is malformed or repeats a parameter")))
        }
        let client: Result<ClientRecord, OAuthError>
        do {
            client = .success(
                try await service.hostedLogin.authenticateClient(
                    basic: Self.basicCredentials(request.headers[.authorization]),
                    bodyID: form["client_id"],
                    bodySecret: form["client_secret"]
                )
            )
        } catch {
            client = .failure(error)
        }
        return (form, client)
    }

    func token(_ request: Request) async throws -> Response {
        let (form, authenticated) = try await clientForm(request)
        let origin = request.headers[.origin]
        do {
            let client = try authenticated.get()
            switch form["grant_type"] {
            case "authorization_code":
                guard let code = form["code"] else { throw OAuthError("invalid_request", "code is required") }
                return try await tokenResponse(
                    try service.hostedLogin.exchangeCode(
                        client: client,
                        code: code,
                        redirectURI: form["redirect_uri"],
                        verifier: form["code_verifier"]
                    ),
                    origin: origin
                )
            case "refresh_token":
                guard let refresh = form["refresh_token"] else { throw OAuthError("invalid_request", "refresh_token is required") }
                return try await tokenResponse(try service.hostedLogin.refreshGrant(client: client, refreshToken: refresh), origin: origin)
            case "client_credentials":
                let (token, expiresIn) = try await service.hostedLogin.clientCredentialsGrant(
                    client: client,
                    scope: form["scope"],
                    clientMetadata: try Self.clientMetadata(form["aws_client_metadata"])
                )
                var writer = JSONWriter()
                writer.add("access_token", token)
                writer.add("expires_in", expiresIn)
                writer.add("token_type", "Bearer")
                return await json(writer.finish(), origin: origin)
            case nil:
                throw OAuthError("invalid_request", "grant_type is required")
            default:
                throw OAuthError("unsupported_grant_type", "grant_type is not supported")
            }
        } catch let error as OAuthError {
            throw await failure(error, request: request)
        }
    }

    /// `aws_client_metadata`: a JSON object of strings, for the token trigger's `clientMetadata`.
    static func clientMetadata(_ value: String?) throws(OAuthError) -> [String: String]? {
        guard let value else { return nil }
        guard let parsed = try? JSONParser.parse(Array(value.utf8)), case .object(let members) = parsed,
            members.values.allSatisfy({ $0.stringValue != nil })
        else { throw OAuthError("invalid_request", "aws_client_metadata must be a JSON object of strings") }
        return members.compactMapValues(\.stringValue)
    }

    func tokenResponse(_ outcome: AuthOutcome, origin: String?) async throws(OAuthError) -> Response {
        guard case .tokens(let access, let id, let refresh, let expiresIn, _) = outcome else {
            throw OAuthError("server_error", "unexpected challenge", status: 500)
        }
        var writer = JSONWriter()
        if let id { writer.add("id_token", id) }
        writer.add("access_token", access)
        if let refresh { writer.add("refresh_token", refresh) }
        writer.add("expires_in", expiresIn)
        writer.add("token_type", "Bearer")
        return await json(writer.finish(), origin: origin)
    }

    func revoke(_ request: Request) async throws -> Response {
        let (form, authenticated) = try await clientForm(request)
        let origin = request.headers[.origin]
        do {
            let client = try authenticated.get()
            guard let token = form["token"] else { throw OAuthError("invalid_request", "token is required") }
            do {
                try await service.tokens.revokeRefreshToken(token, client: client)
            } catch {
                switch error.name {
                case .unsupportedOperation: throw OAuthError("invalid_request", "revocation is not enabled for this client")
                // RFC 7009 §2.2.1, and what Cognito answers for an access token.
                case .unsupportedTokenType: throw OAuthError("unsupported_token_type", "only refresh tokens can be revoked")
                default: throw OAuthError("invalid_client", error.message, status: 401)
                }
            }
            var response = Response(status: .ok, headers: [.cacheControl: "no-store"])
            await addCORS(&response, origin: origin)
            return response
        } catch let error as OAuthError {
            throw await failure(error, request: request)
        }
    }

    func userInfo(_ request: Request) async -> Response {
        let origin = request.headers[.origin]
        guard let token = BearerToken.parse(request.headers[.authorization]) else {
            return await bearerError(400, "invalid_request", "Bad OAuth2 request at UserInfo Endpoint", origin: origin)
        }
        let grant: AccessGrant
        do {
            grant = try await service.tokens.validateAccessToken(token)
        } catch {
            let description =
                error.message == TokenService.clientTokenMessage
                ? error.message : "Access token is expired, disabled, or deleted, or the user has globally signed out."
            return await bearerError(401, "invalid_token", description, origin: origin)
        }
        guard grant.scopes.contains("openid") else {
            return await bearerError(403, "insufficient_scope", "The access token lacks the openid scope.", origin: origin)
        }
        let claims = await service.hostedLogin.userInfoClaims(grant)
        var writer = JSONWriter()
        for key in claims.keys.sorted() { writer.add(key, claims[key]) }
        return await json(writer.finish(), origin: origin)
    }

    // MARK: logout

    func logout(_ request: Request) async -> Response {
        let query = query(request)
        await service.hostedLogin.endSSOSession(cookie: request.cookies[Self.sessionCookie]?.value)
        let target: String
        if let logoutTarget = await service.pools.logoutTarget(clientID: query["client_id"], logoutURI: query["logout_uri"]) {
            target = logoutTarget
        } else if query["redirect_uri"] != nil, query["response_type"] != nil, (try? await service.hostedLogin.authorizeRequest(query)) != nil {
            target = "/login?" + (request.uri.query ?? "")
        } else {
            return errorPage("The logout_uri is not registered for this client.")
        }
        var response = redirect(to: target)
        response.setCookie(Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}
