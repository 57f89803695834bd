import GatehouseCore
import Hummingbird

/// The API's view of the router's own errors: an unknown path is our JSON 404, a known path with
/// the wrong method our JSON 405 with `Allow`. Everything else renders itself at the edge.
struct ErrorMapping: Sendable {
    let routes: RouteTable

    func translate(_ error: any Error, request: Request) -> any Error {
        guard let error = error as? HTTPError, error.status == .notFound || error.status == .methodNotAllowed else { return error }
        if let allowed = routes.allowedMethods(for: request.uri.path) {
            return GatehouseError(.methodNotAllowed, allowedMethods: allowed)
        }
        return GatehouseError(.notFound)
    }
}
