public import GatehouseCore
import GatehouseEdge
public import GatehouseSessions
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// The token handler's routes: `POST /auth/login/start`, `POST /auth/login/end`,
/// `GET /auth/session`, `POST /auth/refresh`, `POST /auth/logout`. Every answer is JSON with a
/// status (never a redirect); every `POST` passes the CSRF check first.
public struct SessionRoutes: Sendable {
    private let sessions: SessionService?
    private let csrf: CSRFCheck

    /// Routes serving `sessions` (nil: sessions are off and the routes answer 404
    /// `sessions_disabled`), checking origins against `cors`.
    public init(sessions: SessionService?, cors: CORSPolicy) {
        self.sessions = sessions
        self.csrf = CSRFCheck(policy: cors)
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<GatehouseRequestContext>) {
        router.post("/auth/login/start") { request, _ in
            let sessions = try enabled(request)
            let login = sessions.startLogin(origin: request.headers[.origin])
            var writer = JSONWriter()
            writer.add("authorizationUrl", login.authorizationURL)
            writer.add("loginId", login.loginID)
            return Self.json(writer.finish(), cookies: [SessionCookies.set(SessionService.loginCookie, login.loginCookie, maxAge: 600)])
        }
        router.post("/auth/login/end") { request, context in
            let sessions = try enabled(request)
            let body = try await request.body.collect(upTo: 16384)
            guard let object = try? JSONParser.parse(Array(buffer: body)).objectValue, let pageURL = object["pageUrl"]?.stringValue,
                object["loginId"].map({ $0.stringValue != nil }) ?? true
            else {
                throw GatehouseError(
                    .invalidRequest,
                    message: #"The body must be {"pageUrl": "<the page the hosted login returned to>", "loginId": "<from /auth/login/start>"}."#
                )
            }
            let loginCookie = SessionCookies.value(SessionService.loginCookie, in: request)
            do {
                let (cookie, session) = try await sessions.endLogin(
                    pageURL: pageURL,
                    loginID: object["loginId"]?.stringValue,
                    origin: request.headers[.origin],
                    loginCookie: loginCookie,
                    logger: context.logger
                )
                var writer = JSONWriter()
                writer.add("isLoggedIn", true)
                writer.add("sub", session.record.subject)
                writer.add("username", session.record.username)
                writer.add("expiresAt", Int(session.record.accessExpiresAt))
                return Self.json(
                    writer.finish(),
                    cookies: [
                        SessionCookies.clear(SessionService.loginCookie),
                        SessionCookies.session(cookie, maxAge: session.record.absoluteExpiresAt - session.record.createdAt),
                    ]
                )
            } catch let error as GatehouseError {
                // A failed end spends the login: the browser starts over.
                throw SessionFailure(error: error, clearing: [SessionService.loginCookie])
            }
        }
        router.get("/auth/session") { request, _ in
            var writer = JSONWriter()
            guard let sessions, let cookie = SessionCookies.value(SessionService.sessionCookie, in: request),
                let record = try await sessions.peek(cookie: cookie)
            else {
                writer.add("isLoggedIn", false)
                return Self.json(writer.finish())
            }
            writer.add("isLoggedIn", true)
            writer.add("sub", record.subject)
            writer.add("username", record.username)
            writer.add("expiresAt", Int(record.accessExpiresAt))
            return Self.json(writer.finish())
        }
        router.post("/auth/refresh") { request, context in
            let sessions = try enabled(request)
            let cookie = try sessionCookie(request)
            do {
                let session = try await sessions.refresh(cookie: cookie, logger: context.logger)
                var writer = JSONWriter()
                writer.add("expiresAt", Int(session.record.accessExpiresAt))
                return Self.json(writer.finish())
            } catch let error as GatehouseError where error.code == .sessionExpired {
                throw SessionFailure(error: error, clearing: [SessionService.sessionCookie])
            }
        }
        router.post("/auth/logout") { request, context in
            let sessions = try enabled(request)
            let everywhere = try await Self.everywhere(request)
            let cookie = SessionCookies.value(SessionService.sessionCookie, in: request)
            var writer = JSONWriter()
            if everywhere {
                guard let cookie else { throw GatehouseError(.notLoggedIn) }
                do {
                    let (logoutURL, ended) = try await sessions.logoutEverywhere(cookie: cookie, logger: context.logger)
                    writer.add("logoutUrl", logoutURL)
                    writer.add("sessionsEnded", ended)
                } catch let error as GatehouseError where error.code == .sessionExpired {
                    throw SessionFailure(error: error, clearing: [SessionService.sessionCookie])
                }
            } else {
                writer.add("logoutUrl", try await sessions.logout(cookie: cookie, logger: context.logger))
            }
            return Self.json(writer.finish(), cookies: [SessionCookies.clear(SessionService.sessionCookie)])
        }
    }

    /// Whether a logout's body asks for every session: none, `{}` or `{"everywhere": false}` for
    /// this one, `{"everywhere": true}` for all; anything else is 400.
    static func everywhere(_ request: Request) async throws -> Bool {
        let body = try await request.body.collect(upTo: 1024)
        guard body.readableBytes > 0 else { return false }
        guard let object = try? JSONParser.parse(Array(buffer: body)).objectValue,
            object.keys.allSatisfy({ $0 == "everywhere" })
        else {
            throw GatehouseError(.invalidRequest, message: #"The body must be empty or {"everywhere": true|false}."#)
        }
        guard let flag = object["everywhere"] else { return false }
        guard let value = flag.boolValue else {
            throw GatehouseError(.invalidRequest, message: #""everywhere" must be true or false."#)
        }
        return value
    }

    /// The session service after the CSRF check, or 404 when sessions are off.
    private func enabled(_ request: Request) throws(GatehouseError) -> SessionService {
        guard let sessions else { throw GatehouseError(.sessionsDisabled) }
        try csrf.verify(request)
        return sessions
    }

    private func sessionCookie(_ request: Request) throws(GatehouseError) -> String {
        guard let cookie = SessionCookies.value(SessionService.sessionCookie, in: request) else { throw GatehouseError(.notLoggedIn) }
        return cookie
    }

    static func json(_ bytes: [UInt8], cookies: [HTTPField] = []) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: cookies)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// An error whose response also deletes cookies (a dead session's, a spent login's).
struct SessionFailure: HTTPResponseError, CustomStringConvertible {
    let error: GatehouseError
    let clearing: [String]

    var status: HTTPResponse.Status { error.status }
    var description: String { error.description }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try error.response(from: request, context: context)
        for name in clearing { response.headers.append(SessionCookies.clear(name)) }
        return response
    }
}
