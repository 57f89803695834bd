import AsyncHTTPClient
import Foundation
import GatehouseAWS
import Logging
import NIOCore
import NIOHTTP1

/// moto's server standing in for DynamoDB: started from the project's `.venv` (the README's test
/// command makes it) on a free loopback port, stopped by its PID when the test ends.
final class MotoServer: Sendable {
    let endpoint: String
    private let pid: pid_t

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) not found: run scripts/test.sh (or scripts/setup-test-env.sh) once to make the test environment" }
    }

    private init(endpoint: String, pid: pid_t) {
        self.endpoint = endpoint
        self.pid = pid
    }

    /// Runs `body` with a moto server, stopping it afterwards whatever happens.
    static func with<T>(_ body: (MotoServer) async throws -> T) async throws -> T {
        // A free port can be taken by another test's server between the check and moto's bind
        // (the suites run in parallel); moto then exits, and a new port is tried.
        var attempt = 0
        var started: MotoServer?
        while started == nil {
            attempt += 1
            do {
                started = try await start()
            } catch let missing as Missing where missing.path == Self.exitedEarly && attempt < 3 {
                continue
            }
        }
        let server = started!
        defer { server.stop() }
        return try await body(server)
    }

    static let exitedEarly = "a running moto server (it exited)"
    static let startLimit = 240.0

    private static func start() async throws -> MotoServer {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_PYTHON"] ?? root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else { throw Missing(path: python) }
        let port = try freePort()
        // posix_spawn and waitpid: Foundation's Process.waitUntilExit spins in an async test.
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Requests serialised, so conditional writes are atomic as DynamoDB's are (serial_moto.py).
        let script = root.appendingPathComponent("Tests/Interop/serial_moto.py").path
        let arguments = [python, script, "-H", "127.0.0.1", "-p", String(port)]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, python, &actions, nil, &argv, environ) == 0 else { throw Missing(path: "a moto server that starts") }
        let server = MotoServer(endpoint: "http://127.0.0.1:\(port)", pid: pid)
        // Ready when it answers (moto takes a second or two to import), and once its DynamoDB
        // has answered a first request: moto loads each service's backend on its first call,
        // which on a loaded machine outlasts a client's deadline. That first call gets all the
        // time it needs here, so the tests' own calls keep their short deadlines. The wait is
        // long: with the whole suite and other work on two cores, this loop and moto's imports
        // get their turns late (a minute was seen to run out); a missing moto fails at once.
        let deadline = Date().addingTimeInterval(Self.startLimit)
        while Date() < deadline {
            guard server.isRunning else { throw Missing(path: Self.exitedEarly) }
            if accepts(port: port) {
                if await server.dynamoDBAnswers(within: deadline.timeIntervalSinceNow) { return server }
                continue
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
        throw Missing(path: "a moto server answering within \(Int(Self.startLimit)) s")
    }

    /// Whether moto's DynamoDB answers a `ListTables` within `seconds` (any answer will do).
    private func dynamoDBAnswers(within seconds: Double) async -> Bool {
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-amz-json-1.0")
        request.headers.add(name: "X-Amz-Target", value: "DynamoDB_20120810.ListTables")
        request.body = .bytes(Array("{}".utf8))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(max(1, seconds))))
            _ = try await response.body.collect(upTo: 1 << 20)
            return true
        } catch {
            return false
        }
    }

    private var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    func stop() {
        // SIGKILL: moto keeps nothing worth a clean exit, and its server can linger on SIGTERM.
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    /// A DynamoDB client of this server, with `retryPolicy`.
    func dynamoDB(retryPolicy: RetryPolicy = RetryPolicy()) -> DynamoDB {
        DynamoDB(
            endpoint: AWSEndpoint(url: endpoint)!,
            region: "us-east-1",
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIDTESTING", secretAccessKey: "testing-secret")),
            transport: HTTPClientTransport(client: .shared),
            retryPolicy: retryPolicy
        )
    }

    /// A new session table (key, subject index, TTL), as `gatehouse sessions create-table` makes it.
    func sessionTable(_ name: String = "sessions-\(UUID().uuidString.prefix(8))") async throws -> String {
        let logger = Logger(label: "test")
        try await dynamoDB().createTable(name, key: "id", indexes: ["bySubject": "subject"], logger: logger)
        try await dynamoDB().enableTimeToLive(table: name, attribute: "expiresAt", logger: logger)
        return name
    }

    /// Whether something listens on the loopback `port`.
    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Missing(path: "a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
