import GatehouseCore
import GatehouseEdge
import Hummingbird

/// What the hosted login answers when the authorize request itself is refused.
extension OAuthRoutes {
    func refusal(_ error: AuthorizeRefusal) -> Response {
        switch error {
        case .page(let message):
            return errorPage(message)
        case .redirect(let target, let code, let description, let state):
            var items = [("error", code), ("error_description", description)]
            if let state { items.append(("state", state)) }
            return redirect(to: Self.appending(items, to: target))
        }
    }

    /// A page saying what went wrong, where there is no client to send the user back to.
    func errorPage(_ message: String, status: HTTPResponse.Status = .badRequest) -> Response {
        let nonce = Identifiers.opaque(bytes: 16)
        return page(HostedPages.render("error", ["nonce": nonce, "error": message]), status: status, nonce: nonce)
    }
}
