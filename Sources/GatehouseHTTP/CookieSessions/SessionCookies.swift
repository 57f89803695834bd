import GatehouseSessions
import HTTPTypes
import Hummingbird

/// Reading and writing the session and login cookies: `__Host-` names, so `Secure`, `Path=/`
/// and no `Domain`; `HttpOnly` and `SameSite=Strict` always.
enum SessionCookies {
    /// The value of cookie `name` in `request`'s `Cookie` headers (the first one), or nil.
    static func value(_ name: String, in request: Request) -> String? {
        value(name, in: request.headers)
    }

    /// The value of cookie `name` in `headers`' `Cookie` headers (the first one), or nil, as
    /// Hummingbird's cookie parsing reads them.
    static func value(_ name: String, in headers: HTTPFields) -> String? {
        Cookies(from: headers[values: .cookie])[name]?.value
    }

    /// `Set-Cookie` for `name=value` living `maxAge` seconds.
    static func set(_ name: String, _ value: String, maxAge: Int) -> HTTPField {
        HTTPField(name: .setCookie, value: "\(name)=\(value); Path=/; Max-Age=\(maxAge); Secure; HttpOnly; SameSite=Strict")
    }

    /// `Set-Cookie` that deletes cookie `name`.
    static func clear(_ name: String) -> HTTPField {
        HTTPField(name: .setCookie, value: "\(name)=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict")
    }

    /// The session cookie's `Set-Cookie` for a new session.
    static func session(_ value: String, maxAge: Double) -> HTTPField {
        set(SessionService.sessionCookie, value, maxAge: Int(maxAge))
    }
}
