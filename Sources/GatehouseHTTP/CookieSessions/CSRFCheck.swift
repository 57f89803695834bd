import GatehouseCore
import HTTPTypes
import Hummingbird

/// The CSRF rule of cookie requests: the header `X-CSRF: 1` (a custom header forces a CORS
/// preflight on any cross-origin caller, which the CORS policy then refuses) and, when the
/// browser sends `Origin`, an origin on the allowlist.
struct CSRFCheck: Sendable {
    static let header = HTTPField.Name("X-CSRF")!
    let policy: CORSPolicy

    /// Throws 403 `csrf_check_failed` unless `request` passes.
    func verify(_ request: Request) throws(GatehouseError) {
        try verify(request.headers)
    }

    /// Throws 403 `csrf_check_failed` unless a request with `headers` passes.
    func verify(_ headers: HTTPFields) throws(GatehouseError) {
        guard headers[Self.header] == "1" else {
            throw GatehouseError(.csrfCheckFailed, logDetail: "no X-CSRF: 1 header")
        }
        if let origin = headers[.origin], !policy.allows(origin: origin) {
            throw GatehouseError(.csrfCheckFailed, logDetail: "origin not on the allowlist")
        }
    }
}
