/// The paths the API serves and the methods each allows, for 404/405 and `Allow`.
public struct RouteTable: Sendable {
    /// Allowed methods by path.
    public let methods: [String: [String]]

    /// A table of `methods` by path.
    public init(_ methods: [String: [String]]) {
        self.methods = methods
    }

    /// The methods allowed on `path`, or nil when the path is unknown.
    public func allowedMethods(for path: String) -> [String]? {
        methods[path]
    }

    /// The routes of the userinfo API.
    public static let api = RouteTable([
        "/userinfo": ["GET", "HEAD", "OPTIONS"],
        "/healthz": ["GET", "HEAD"],
        "/auth/login/start": ["POST", "OPTIONS"],
        "/auth/login/end": ["POST", "OPTIONS"],
        "/auth/session": ["GET", "OPTIONS"],
        "/auth/refresh": ["POST", "OPTIONS"],
        "/auth/logout": ["POST", "OPTIONS"],
        "/auth/check": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    ])
}
