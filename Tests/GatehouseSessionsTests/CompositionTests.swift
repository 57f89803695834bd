import AsyncHTTPClient
import Foundation
import GatehouseComposition
import GatehouseCore
import GatehouseHTTP
import GatehouseSessions
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// `buildDependencies`, the one composition function, with a pool in this process: its users and
/// keys without a network hop, and every client the pool has now trusted (not only those
/// configured at start-up).
struct CompositionTests {
    @Test func anInProcessPoolTrustsItsCurrentClientsAndServesSessions() async throws {
        let clients = Mutex<Set<String>>([FakeIdP.clientID])
        let lookups = Mutex(0)
        let configuration = try GatehouseConfiguration(
            inProcessPool: "us-east-1_Sessions1",
            issuer: FakeIdP.issuer,
            clientIDs: ["configuredclient"],
            allowedOrigins: [FakeIdP.origin],
            environment: ["GATEHOUSE_USER_CACHE_TTL": "0"]
        )
        let directory = ClosureUserDirectory { name throws(DirectoryError) in
            lookups.withLock { $0 += 1 }
            return DirectoryUser(username: name, attributes: [(name: "sub", value: "sub-1")], enabled: true, status: "CONFIRMED")
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        let dependencies = buildDependencies(
            configuration: configuration,
            pool: .inProcess(
                directory: directory,
                keys: ClosureJWKSFetcher { _ in try JSONWebKeySet(json: FakeIdP.jwks) },
                acceptsClient: { id in clients.withLock { $0.contains(id) } }
            ),
            httpClient: httpClient
        )
        let exp = Int(Date().timeIntervalSince1970) + 300
        @Sendable func token(client: String) -> String {
            FakeIdP.sign(
                #"{"sub":"sub-1","iss":"\#(FakeIdP.issuer)","client_id":"\#(client)","token_use":"access","exp":\#(exp),"username":"alice"}"#
            )
        }
        try await Application(router: buildRouter(dependencies)).test(.router) { client in
            let known = try await client.execute(
                uri: "/userinfo",
                method: .get,
                headers: [.authorization: "Bearer \(token(client: FakeIdP.clientID))"]
            )
            #expect(known.status == .ok)
            let later = token(client: "createdlater")
            #expect(try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: "Bearer \(later)"]).status == .unauthorized)
            clients.withLock { _ = $0.insert("createdlater") }
            #expect(try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: "Bearer \(later)"]).status == .ok)
        }
        #expect(lookups.withLock { $0 } == 2)
        #expect(dependencies.sessions == nil)
        try await httpClient.shutdown()
    }
}
