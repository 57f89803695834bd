import Foundation
import GatehouseCore
public import GatehouseEdge
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// Checks an admin call of the JSON API (its request and body): nil to let it through, or the
/// Cognito error to answer with (`UnrecognizedClientException`, `InvalidSignatureException`).
public typealias AdminAuthenticator = @Sendable (_ request: Request, _ body: [UInt8]) -> LocalPoolError?

/// The local pool's HTTP surface behind the shared edge (server `pool`): the cognito-idp JSON API
/// at `POST /`, and per pool the JWKS and OpenID discovery documents under
/// `/{poolId}/.well-known/`. With `adminAuthenticator`, admin calls (``CognitoAPI/isAdminCall(target:)``)
/// are answered only when it returns nil; its error is the answer otherwise.
public func buildLocalPoolRouter(
    api: CognitoAPI,
    adminAuthenticator: AdminAuthenticator? = nil
) -> Router<EdgeContext> {
    let router = Router(context: EdgeContext.self)
    router.add(middleware: Edge(server: "pool"))
    let service = api.service
    router.post("/") { request, context -> Response in
        // Cognito's largest requests (a branding style with its images) may be 2 MB.
        let body = Array(buffer: try await request.body.collect(upTo: 2 << 20))
        let target = request.headers[HTTPField.Name("X-Amz-Target")!]
        if let adminAuthenticator, CognitoAPI.isAdminCall(target: target), let refusal = adminAuthenticator(request, body) {
            context.logger.notice("gatehouse.pool.admin_call_refused", metadata: ["aws.error": "\(refusal.type)"])
            throw refusal
        }
        let answer = try await api.handle(target: target, body: body, logger: context.logger, callerAddress: context.clientAddress)
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-amz-json-1.1", LocalPoolError.requestID: context.requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer))
        )
    }

    router.get("/:pool/.well-known/jwks.json") { _, context -> Response in
        let pool = try context.parameters.require("pool")
        do {
            return await json(try service.pools.jwks(poolID: pool), cacheSeconds: 300)
        } catch {
            return noSuchPool()
        }
    }

    router.get("/:pool/.well-known/openid-configuration") { _, context -> Response in
        let pool = try context.parameters.require("pool")
        guard (try? await service.pools.pool(pool)) != nil else {
            return noSuchPool()
        }
        let issuer = service.pools.issuerURL(poolID: pool)
        var writer = JSONWriter()
        let domain = issuer.dropLast(pool.count + 1)
        writer.add("issuer", issuer)
        writer.add("authorization_endpoint", "\(domain)/oauth2/authorize")
        writer.add("token_endpoint", "\(domain)/oauth2/token")
        writer.add("userinfo_endpoint", "\(domain)/oauth2/userInfo")
        writer.add("revocation_endpoint", "\(domain)/oauth2/revoke")
        writer.add("end_session_endpoint", "\(domain)/logout")
        writer.add("jwks_uri", "\(issuer)/.well-known/jwks.json")
        writer.add("response_types_supported", ["code"])
        writer.add("grant_types_supported", ["authorization_code", "refresh_token", "client_credentials"])
        writer.add("code_challenge_methods_supported", ["S256"])
        writer.add("token_endpoint_auth_methods_supported", ["client_secret_basic", "client_secret_post", "none"])
        writer.add("id_token_signing_alg_values_supported", ["RS256"])
        writer.add("subject_types_supported", ["public"])
        writer.add("scopes_supported", ["openid", "email", "phone", "profile"])
        return json(writer.finish(), cacheSeconds: 300)
    }

    // The domain's root and each issuer URL say what they are instead of an empty 404.
    router.get("/") { _, _ -> Response in
        var writer = JSONWriter()
        writer.add("service", "Gatehouse local pool: a Cognito-compatible identity provider")
        writer.add("cognitoIdpAPI", "POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>")
        writer.add("hostedLogin", "GET /oauth2/authorize, then /login")
        await writer.add("userPools", ((try? service.pools.pools()) ?? []).map { service.pools.issuerURL(poolID: $0.id) })
        return json(writer.finish())
    }
    router.get("/:pool") { _, context -> Response in
        let pool = try context.parameters.require("pool")
        guard (try? await service.pools.pool(pool)) != nil else {
            return noSuchPool()
        }
        let issuer = service.pools.issuerURL(poolID: pool)
        var writer = JSONWriter()
        writer.add("issuer", issuer)
        writer.add("description", "The issuer of this user pool's tokens")
        writer.add("openid_configuration", "\(issuer)/.well-known/openid-configuration")
        writer.add("jwks_uri", "\(issuer)/.well-known/jwks.json")
        return json(writer.finish())
    }

    // A user import job's pre-signed URL: the CSV is PUT here as it would be to S3.
    router.put("/user-import/:job") { request, context -> Response in
        let job = try context.parameters.require("job")
        let token = request.uri.queryParameters.get("token") ?? ""
        let body = try await request.body.collect(upTo: UserImportJobRecord.csvLimit)
        switch try await service.imports.upload(jobID: job, token: token, csv: Data(Array(buffer: body))) {
        case .stored: return Response(status: .ok)
        case .forbidden: return json(Array(#"{"error":"access_denied","message":"The URL is not a job's pre-signed URL."}"#.utf8), status: .forbidden)
        case .conflict: return json(Array(#"{"error":"conflict","message":"The job has started; its file is read."}"#.utf8), status: .conflict)
        }
    }

    OAuthRoutes(service: service).register(on: router)
    router.get("/healthz") { _, _ in json(Array(#"{"status":"ok"}"#.utf8)) }
    return router
}

private func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, cacheSeconds: Int? = nil) -> Response {
    var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
    headers[.cacheControl] = cacheSeconds.map { "public, max-age=\($0)" } ?? "no-store"
    return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// The 404 for a pool id that names no pool.
private func noSuchPool() -> Response {
    json(Array(#"{"error":"not_found","message":"No such user pool."}"#.utf8), status: .notFound)
}
