import Crypto
import GatehouseCore
import GatehouseEdge
import GatehouseHTTP
import Hummingbird
import HummingbirdBcrypt
import HummingbirdCore
import LocalPool
import Logging
import NIOCore
import NIOPosix
import _CryptoExtras

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Benchmarks for the figures in the issue tracker's performance targets.
///
/// - `gatehouse-bench verify [count]`: fresh Cognito-shaped RS256 tokens verified one after another
///   on one task (one core), through `TokenVerifier` with no token cache; prints verifications/s,
///   next to swift-crypto's raw RSA-2048 verify rate measured in the same run.
/// - `gatehouse-bench sign [count]`: RS256 signatures per second with a generated key and one
///   parsed from PEM on one core, then on two cores at once (the capacity the pool's grant rates
///   are set against).
/// - `gatehouse-bench bcrypt [count]`: bcrypt at the local pool's cost (10), one check after
///   another; prints the median milliseconds (the share of a password sign-in that is bcrypt's).
/// - `gatehouse-bench srp [count]`: the local pool's SRP arithmetic per sign-in (the server's
///   `PASSWORD_VERIFIER` exchange: three 3072-bit modular powers and the hashing), next to one
///   3072-bit modular power with a 256-bit exponent and with a 3072-bit one, and the verifier a
///   password change computes; medians in µs.
/// - `gatehouse-bench authorizer [count]`: the Lambda authorizer's own time per warm bearer event
///   (see AuthorizerBench.swift).
/// - `gatehouse-bench passkey [count]`: one passkey assertion checked (see PasskeyBench.swift).
/// - `gatehouse-bench echo-runtime`: a trivial Lambda custom runtime (our `LambdaLoop`) that answers
///   each event with itself, at `AWS_LAMBDA_RUNTIME_API` (see EchoRuntime.swift).
/// - `gatehouse-bench exchange <url> [count]`: keep-alive GETs through that runtime's HTTP client
///   set-up; the median milliseconds of one.
/// - `gatehouse-bench bare-server <port> [eventloop|nio]`: a bare Hummingbird route (`GET /` →
///   `ok`) for comparing against `/userinfo` under wrk (see scripts/bench-userinfo.sh), with
///   `GET /bytes/N` (N bytes, streamed) and `PUT /sink` (a body counted) for transfer rates; with
///   `eventloop` or `nio`, Swift concurrency runs on NIO's loops (as in `gatehouse serve`, or
///   through NIO's own hook) instead of the runtime's pool.
@main
struct Bench {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        switch arguments.first {
        case "verify":
            try await verify(count: arguments.dropFirst().first.flatMap(Int.init) ?? 20000)
        case "sign":
            try await sign(count: arguments.dropFirst().first.flatMap(Int.init) ?? 3000)
        case "bcrypt":
            bcrypt(count: arguments.dropFirst().first.flatMap(Int.init) ?? 20)
        case "srp":
            srp(count: arguments.dropFirst().first.flatMap(Int.init) ?? 200)
        case "authorizer":
            try await authorizer(count: arguments.dropFirst().first.flatMap(Int.init) ?? 2000)
        case "passkey":
            try passkey(count: arguments.dropFirst().first.flatMap(Int.init) ?? 2000)
        case "echo-runtime":
            try await echoRuntime()
        case "exchange":
            try await exchange(
                url: arguments.dropFirst().first ?? "http://127.0.0.1:8080/",
                count: arguments.dropFirst(2).first.flatMap(Int.init) ?? 2000
            )
        case "bare-server":
            try await bareServer(port: arguments.dropFirst().first.flatMap(Int.init) ?? 8081, executor: arguments.dropFirst(2).first)
        default:
            print(
                "usage: gatehouse-bench verify [count] | sign [count] | bcrypt [count] | srp [count] | authorizer [count] | passkey [count] | echo-runtime | exchange <url> [count] | bare-server <port> [eventloop|nio]"
            )
        }
    }

    static func bcrypt(count: Int) {
        let hash = Bcrypt.hash("Demo-password-9a!", cost: 10)
        var times: [Double] = []
        for _ in 0..<count {
            let start = seconds()
            precondition(Bcrypt.verify("Demo-password-9a!", hash: hash))
            times.append((seconds() - start) * 1000)
        }
        times.sort()
        let median = (times[times.count / 2] * 10).rounded() / 10
        print("bcrypt cost 10: median \(median) ms over \(count) checks")
    }

    static func srp(count: Int) {
        func random(_ bytes: Int) -> [UInt8] { (0..<bytes).map { _ in UInt8.random(in: 0...255) } }
        /// Median microseconds of `body` over `count` runs.
        func median(_ body: () -> Void) -> Double {
            var times: [Double] = []
            for _ in 0..<count {
                let start = seconds()
                body()
                times.append((seconds() - start) * 1e6)
            }
            times.sort()
            return times[times.count / 2].rounded()
        }
        let salt = Array(random(16).dropFirst()) + [1]
        let verifier = CognitoSRP.verifier(salt: salt, poolName: "Bench", userID: "alice", password: "Demo-password-9a!")
        let clientPublic = CognitoSRP.power(base: [2], exponent: random(128))!
        let exchange = median { precondition(CognitoSRP.exchange(clientPublic: clientPublic, verifier: verifier, secret: random(32)) != nil) }
        let short = median { precondition(CognitoSRP.power(base: [2], exponent: random(32)) != nil) }
        let full = median { precondition(CognitoSRP.power(base: clientPublic, exponent: random(384)) != nil) }
        let setPassword = median { _ = CognitoSRP.verifier(salt: salt, poolName: "Bench", userID: "alice", password: "Demo-password-9a!") }
        print("SRP exchange per sign-in: median \(Int(exchange)) µs over \(count)")
        print("3072-bit modular power, 256-bit exponent: median \(Int(short)) µs; 3072-bit exponent: median \(Int(full)) µs")
        print("verifier for a new password: median \(Int(setPassword)) µs")
    }

    static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second on one core (what every issued token costs).
    static func sign(count: Int) async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let digest = SHA256.hash(data: Array("payload".utf8))
        var start = seconds()
        for _ in 0..<count { _ = try key.signature(for: digest, padding: .insecurePKCS1v1_5) }
        print("\(Int(Double(count) / (seconds() - start))) RSA-2048 signatures/s (swift-crypto, one core, generated key)")
        // The local pool keeps its keys as PEM and parses them once; check that costs nothing per signature.
        let parsed = try _RSA.Signing.PrivateKey(pemRepresentation: key.pemRepresentation)
        start = seconds()
        for _ in 0..<count { _ = try parsed.signature(for: digest, padding: .insecurePKCS1v1_5) }
        print("\(Int(Double(count) / (seconds() - start))) RSA-2048 signatures/s (swift-crypto, one core, key parsed from PEM)")
        // What two cores sign at once, measured rather than doubled: on a VM the second core may
        // add less than the first (the grants' capacity, which the pool's figures are set against).
        let cores = 2
        start = seconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<cores {
                group.addTask { for _ in 0..<count { _ = try parsed.signature(for: digest, padding: .insecurePKCS1v1_5) } }
            }
            try await group.waitForAll()
        }
        print("\(Int(Double(count * cores) / (seconds() - start))) RSA-2048 signatures/s (swift-crypto, two cores at once)")
    }

    static func bareServer(port: Int, executor: String?) async throws {
        // `eventloop`: each connection on its own loop, as `gatehouse serve` runs them; `nio`:
        // everything on NIO's loops through NIO's own hook.
        if executor == "nio" { precondition(NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()) }
        let router = Router()
        router.get("/") { _, _ in "ok" }
        // The same path as the API, so one wrk script (the same requests, tokens included) can
        // load both and the load generator costs the shared cores the same on each side.
        router.get("/userinfo") { _, _ in "ok" }
        // For transfer rates (scripts/bench-proxy.sh): N bytes out, streamed; a body in, counted.
        router.get("/bytes/:count") { _, context -> Response in
            let count = context.parameters.get("count", as: Int.self) ?? 0
            let block = ByteBuffer(repeating: 0x61, count: 1 << 16)
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(contentLength: count) { writer in
                    var left = count
                    while left > 0 {
                        try await writer.write(block.getSlice(at: 0, length: min(left, block.readableBytes))!)
                        left -= min(left, block.readableBytes)
                    }
                    try await writer.finish(nil)
                }
            )
        }
        router.put("/sink") { request, _ -> String in
            var count = 0
            for try await chunk in request.body { count += chunk.readableBytes }
            return String(count)
        }
        var logger = Logger(label: "bare")
        logger.logLevel = .warning
        let server: HTTPServerBuilder =
            executor == "eventloop"
            ? HTTPServerBuilder { responder in LoopPreferringChannel(HTTP1Channel(responder: responder, configuration: .init())) }
            : .http1()
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            logger: logger
        )
        try await app.runService()
    }
}
