// swift-tools-version:6.1
import PackageDescription

// scripts/fuzz.sh builds with GATEHOUSE_FUZZ=1: our own targets are then compiled for libFuzzer
// (edge coverage, traced comparisons) and AddressSanitizer, and the dependencies as usual, so a
// fuzz build reuses the dependencies an ordinary build of the same configuration made.
let fuzzing = Context.environment["GATEHOUSE_FUZZ"] == "1"

let swiftSettings: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
    + (fuzzing
        ? [
            .define("FUZZING"),
            .unsafeFlags([
                "-sanitize=address", "-sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table", "-enable-testing",
            ]),
        ] : [])

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .library(name: "GatehouseCore", targets: ["GatehouseCore"]),
        .library(name: "GatehouseAWS", targets: ["GatehouseAWS"]),
        .library(name: "GatehouseHTTP", targets: ["GatehouseHTTP"]),
        .library(name: "GatehouseSessions", targets: ["GatehouseSessions"]),
        .library(name: "GatehouseSessionsSQLite", targets: ["GatehouseSessionsSQLite"]),
        .library(name: "LocalPool", targets: ["LocalPool"]),
        .library(name: "GatehouseComposition", targets: ["GatehouseComposition"]),
        .library(name: "GatehouseLambda", targets: ["GatehouseLambda"]),
        // Gatehouse's sign-in check for other Hummingbird 2 apps.
        .library(name: "GatehouseAuth", targets: ["GatehouseAuth"]),
        .executable(name: "gatehouse-lambda", targets: ["gatehouse-lambda"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // No default traits: FullFoundation would link Foundation (and ICU) into the Lambda bootstrap.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
    ],
    targets: [
        .target(
            name: "GatehouseCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The edge every server shares: request ids, errors that render themselves, security
        // headers, the access log and request metrics.
        .target(
            name: "GatehouseEdge",
            dependencies: [
                "GatehouseCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatehouseAWS",
            dependencies: [
                "GatehouseCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The token handler: sessions, their stores and sealing, the OAuth client side.
        // No GRDB here (it links Foundation): the SQLite store is a target of its own.
        .target(
            name: "GatehouseSessions",
            dependencies: [
                "GatehouseCore",
                "GatehouseAWS",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatehouseSessionsSQLite",
            dependencies: [
                "GatehouseSessions",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatehouseHTTP",
            dependencies: [
                "GatehouseCore",
                "GatehouseEdge",
                "GatehouseSessions",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The one composition function: the API's dependencies for serve, the Lambda and the tests.
        // It links into the Lambda bootstrap, so it never depends on SQLite, the local pool or
        // full Foundation (ICU needs a newer libstdc++ than provided.al2023 has).
        .target(
            name: "GatehouseComposition",
            dependencies: [
                "GatehouseCore",
                "GatehouseAWS",
                "GatehouseHTTP",
                "GatehouseSessions",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The library for other Hummingbird apps: the API's authenticator (bearer tokens, and
        // cookie sessions on DynamoDB) as a hummingbird-auth middleware. Like the Lambda, no
        // SQLite, no local pool, no executable code.
        .target(
            name: "GatehouseAuth",
            dependencies: [
                "GatehouseAWS",
                "GatehouseComposition",
                "GatehouseCore",
                "GatehouseHTTP",
                "GatehouseSessions",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The README's ten-line example, built and run by the tests: it depends on GatehouseAuth
        // and Hummingbird only.
        .executableTarget(
            name: "gatehouse-auth-example",
            dependencies: [
                "GatehouseAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/gatehouse-auth-example",
            swiftSettings: swiftSettings
        ),
        // The Lambda adapter: API Gateway events in and out, the Runtime API loop. It knows the
        // router it is given (GatehouseHTTP) and nothing of what is behind it.
        .target(
            name: "GatehouseLambda",
            dependencies: [
                "GatehouseHTTP",
                "GatehouseCore",
                "GatehouseEdge",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // hypot/hypotf bound to the symbol versions Amazon Linux 2023's glibc has (see compat.c).
        .target(name: "CGatehouseCompat"),
        // The Montgomery multiplication under the local pool's SRP. No unsafe flags (a package
        // with them cannot be depended on by version): debug builds run it unoptimised, 4.1 ms
        // per 256-bit-exponent power instead of 1.8 (gatehouse-bench srp), release as before.
        .target(name: "CGatehouseMontgomery"),
        .executableTarget(
            name: "gatehouse-lambda",
            dependencies: [
                "CGatehouseCompat",
                "GatehouseAWS",
                "GatehouseComposition",
                "GatehouseCore",
                "GatehouseHTTP",
                "GatehouseLambda",
                "GatehouseSessions",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            // Release builds only (the bootstrap that ships): the test bundle links this target too,
            // and must keep the library's own hypot.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--wrap=hypot", "-Xlinker", "--wrap=hypotf"], .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .target(
            name: "LocalPool",
            dependencies: [
                "CGatehouseMontgomery",
                "GatehouseCore",
                "GatehouseEdge",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HummingbirdOTP", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The local pool's Lambda triggers for `gatehouse serve`: runtime processes served a Lambda
        // Runtime API on loopback, or Lambda's Invoke API.
        .target(
            name: "GatehouseTriggers",
            dependencies: [
                "GatehouseAWS",
                "GatehouseCore",
                "GatehouseHTTP",
                "LocalPool",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatehouseCore",
                "GatehouseAWS",
                "GatehouseComposition",
                "GatehouseHTTP",
                "GatehouseSessions",
                "GatehouseSessionsSQLite",
                "GatehouseTriggers",
                "LocalPool",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fuzz targets (scripts/fuzz.sh builds them with libFuzzer; a normal build replays files).
        .executableTarget(
            name: "gatehouse-fuzz",
            dependencies: [
                "GatehouseAWS",
                "GatehouseCore",
                "GatehouseEdge",
                "GatehouseHTTP",
                "GatehouseLambda",
                "GatehouseSessions",
                "GatehouseTriggers",
                "LocalPool",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Fuzz/gatehouse-fuzz",
            swiftSettings: swiftSettings,
            // The AddressSanitizer runtime (scripts/fuzz.sh links libFuzzer's own).
            linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=address"])] : []
        ),
        .executableTarget(
            name: "gatehouse-bench",
            dependencies: [
                "GatehouseEdge",
                "GatehouseCore",
                "GatehouseHTTP",
                "GatehouseLambda",
                "LocalPool",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/gatehouse-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatehouseCoreTests",
            dependencies: [
                "GatehouseCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatehouseAWSTests",
            dependencies: [
                "GatehouseAWS",
                "GatehouseCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatehouseHTTPTests",
            dependencies: [
                "GatehouseEdge",
                "GatehouseHTTP",
                "GatehouseCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatehouseTriggersTests",
            dependencies: [
                "GatehouseTriggers",
                "LocalPool",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Lambda bootstrap's own start-up (the executable's code).
        .testTarget(
            name: "GatehouseLambdaMainTests",
            dependencies: [
                "gatehouse-lambda",
                "GatehouseComposition",
                "GatehouseLambda",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatehouseLambdaTests",
            dependencies: [
                "CGatehouseCompat",
                "GatehouseComposition",
                "GatehouseLambda",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                "GatehouseHTTP",
                "GatehouseCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatehouseSessionsTests",
            dependencies: [
                "GatehouseComposition",
                "GatehouseLambda",
                "GatehouseSessions",
                "GatehouseSessionsSQLite",
                "GatehouseHTTP",
                "GatehouseAWS",
                "GatehouseCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LocalPoolTests",
            dependencies: [
                "LocalPool",
                "GatehouseCore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
