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

    /// The value of cookie `name` in `headers`' `Cookie` headers (the first one), or nil.
    static func value(_ name: String, in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.drop { $0 == " " || $0 == "\t" }
                guard let equals = pair.firstIndex(of: "="), pair[..<equals] == name else { continue }
                return String(pair[pair.index(after: equals)...].prefix { $0 != " " && $0 != "\t" })
            }
        }
        return nil
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
