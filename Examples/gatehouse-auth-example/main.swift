import GatehouseAuth
import Hummingbird
import Logging

let logger = Logger(label: "orders")
let auth = try GatehouseAuth(logger: logger)  // GATEHOUSE_USER_POOL_ID, GATEHOUSE_CLIENT_IDS, …
let router = Router(context: GatehouseAuthRequestContext.self)
router.add(middleware: auth.middleware())
router.group("api", context: SignedInRequestContext<GatehouseAuthRequestContext>.self)
    .get("me") { _, context in "signed in as \(context.user.sub)" }
let port = Environment().get("PORT", as: Int.self) ?? 8080
try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil), logger: logger).runService()
