import GatehouseCore
import Hummingbird
import Logging

/// Turns every error into a JSON response on purpose: ``GatehouseError`` as it says, an unknown
/// path as 404, a known path with the wrong method as 405 with `Allow`, and anything else as a
/// generic 500 whose detail goes only to the log.
struct ErrorMapping: Sendable {
    let routes: RouteTable

    func response(for error: any Error, request: Request, context: GatehouseRequestContext) -> Response {
        switch error {
        case let error as GatehouseError:
            log(error, context: context)
            return error.response(requestID: context.requestID)
        case let failure as SessionFailure:
            log(failure.error, context: context)
            var response = failure.error.response(requestID: context.requestID)
            for name in failure.clearing { response.headers.append(SessionCookies.clear(name)) }
            return response
        case let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed:
            if let allowed = routes.allowedMethods(for: request.uri.path) {
                return GatehouseError(.methodNotAllowed, allowedMethods: allowed).response(requestID: context.requestID)
            }
            return GatehouseError(.notFound).response(requestID: context.requestID)
        default:
            context.logger.error("gatehouse.request.unhandled_error", metadata: ["gatehouse.error": "\(error)"])
            return GatehouseError(.internalError).response(requestID: context.requestID)
        }
    }

    private func log(_ error: GatehouseError, context: GatehouseRequestContext) {
        let metadata: Logger.Metadata = [
            "gatehouse.error.code": "\(error.code.rawValue)",
            "gatehouse.error.detail": "\(error.logDetail ?? "-")",
        ]
        switch error.status {
        case 500...: context.logger.error("gatehouse.request.failed", metadata: metadata)
        case 503: context.logger.warning("gatehouse.request.failed", metadata: metadata)
        default: context.logger.info("gatehouse.request.rejected", metadata: metadata)
        }
    }
}
