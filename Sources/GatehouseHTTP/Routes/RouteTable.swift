public import Hummingbird

/// The paths the API serves and the methods each allows, for 404/405 and `Allow`: read from a
/// router the routes were registered on, so it cannot drift from them. The edge answers CORS
/// preflights on every path it knows, so `OPTIONS` is allowed on each.
public struct RouteTable: Sendable {
    /// Allowed methods by path.
    public let methods: [String: [String]]

    /// A table of `methods` by path.
    public init(_ methods: [String: [String]]) {
        self.methods = methods
    }

    /// The table of the routes `register` adds to a router.
    public init(registering register: (Router<GatehouseRequestContext>) -> Void) {
        let router = Router(context: GatehouseRequestContext.self)
        register(router)
        var methods: [String: Set<String>] = [:]
        for route in router.routes { methods[route.path.description, default: ["OPTIONS"]].insert(route.method.rawValue) }
        self.init(methods.mapValues { found in Self.order.filter(found.contains) + found.subtracting(Self.order).sorted() })
    }

    /// The order methods are listed in `Allow`.
    static let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// The methods allowed on `path`, or nil when the path is unknown.
    public func allowedMethods(for path: String) -> [String]? {
        methods[path]
    }
}
