import HTTPTypes
public import Hummingbird

/// Headers every API response carries: no sniffing, no framing, no referrer.
public struct SecurityHeadersMiddleware: RouterMiddleware {
    public typealias Context = GatehouseRequestContext

    /// A middleware.
    public init() {}

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
