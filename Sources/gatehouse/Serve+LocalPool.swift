import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatehouseAWS
import GatehouseComposition
import GatehouseCore
import GatehouseHTTP
import GatehouseSessions
import GatehouseTriggers
import Hummingbird
import LocalPool
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

extension Serve {
    /// The host in URLs printed and handed to the app (a wildcard listen address is not one).
    var publicHost: String { host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host }

    /// The web app's origin: `--app-origin`, or `http://{host}:{app-port}`.
    var resolvedAppOrigin: String {
        var origin = appOrigin ?? "http://\(publicHost):\(appPort)"
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    /// What the API gets from the local pool: the pool itself, in-process, and its sessions.
    struct LocalPoolWiring {
        var services: [any Service]
        var configuration: GatehouseConfiguration
        var pool: UserPoolSource
        var sessions: SessionSetup?
    }

    /// Opens the local pool (creating it on first run), prints where everything is, and returns
    /// its server, the demo app's server, and the pool handed to the API in-process.
    func startLocalPool(
        limits: ServerLimits,
        adminCredentials: (key: String, secret: String)?,
        environment: [String: String],
        httpClient: HTTPClient,
        demoAPI: Bool,
        logger: Logger
    ) async throws -> LocalPoolWiring {
        let directory = URL(fileURLWithPath: dataDir, isDirectory: true)
        let appOrigin = resolvedAppOrigin
        var base = poolURL ?? "http://\(publicHost):\(poolPort)"
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else { fail("--pool-url must be an http(s) URL") }
        guard appOrigin.hasPrefix("http://") || appOrigin.hasPrefix("https://") else { fail("--app-origin must be an http(s) origin") }
        let pairs = triggers + (environment["GATEHOUSE_TRIGGERS"] ?? "").split(separator: ";").map(String.init)
        guard let functions = TriggerFunctions.parse(pairs.filter { !$0.isEmpty }) else {
            fail("--trigger takes NAME=COMMAND, NAME a Lambda function name (letters, digits, - and _)")
        }
        let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        let triggers = TriggerFunctions(
            local: functions,
            region: region,
            environment: environment,
            transport: HTTPClientTransport(client: httpClient),
            logger: logger
        )
        let service: LocalPoolService
        let setup: LocalPoolSetup
        let appClient: ClientRecord
        let sessionClient: ClientRecord
        let clientIDs: [String]
        do {
            let database = try PoolDatabase(directory: directory)
            for path in database.narrowedPermissions {
                logger.warning("gatehouse.pool.permissions_narrowed", metadata: ["gatehouse.path": "\(path)"])
            }
            let transport = HTTPClientTransport(client: httpClient)
            service = LocalPoolService(
                database: database,
                baseURL: base,
                upstream: TransportUpstream(transport: transport, logger: logger),
                triggers: triggers.invoker,
                logger: logger
            )
            setup = try await LocalPoolBootstrap.ensure(service: service, appOrigin: appOrigin, dataDirectory: directory)
            // The app may have moved (another --app-port): its origin must be a registered callback.
            let chosen = try await service.pools.client(appClientID ?? setup.spaClient.id, poolID: setup.pool.id)
            appClient = try await service.pools.registerAppOrigin(appOrigin, clientID: chosen.id)
            let sessionClientID = environment.nonEmpty(SessionSettings.Variable.clientID) ?? setup.confidentialClient.id
            sessionClient = try await service.pools.client(sessionClientID, poolID: setup.pool.id)
            if sessionClient.id == setup.confidentialClient.id {
                _ = try await service.pools.registerAppOrigin(appOrigin, clientID: sessionClient.id)
            }
            clientIDs = try await service.pools.clients(poolID: setup.pool.id).map(\.id)
        } catch let error as DataDirectoryError {
            fail("the local pool cannot use its data directory (--data-dir): \(error)")
        } catch {
            fail("the local pool in \(directory.path) (--data-dir) could not be opened: \(error)")
        }
        // The pool and the app answer their listening names and their public URLs' hosts only:
        // a DNS-rebinding page must not reach the pool's unsigned admin API.
        let poolHosts = AllowedHosts.listening(
            host: host,
            port: poolPort,
            extra: allowedHosts + [AllowedHosts.authority(ofURL: base)].compactMap { $0 }
        )
        let appHosts = AllowedHosts.listening(
            host: host,
            port: appPort,
            extra: allowedHosts + [AllowedHosts.authority(ofURL: appOrigin)].compactMap { $0 }
        )
        let poolApp = limits.application(
            buildLocalPoolRouter(
                api: CognitoAPI(service: service),
                adminAuthenticator: adminCredentials.map {
                    // Pool ids begin with their region (`us-east-1_…`): signatures must be scoped to it.
                    Self.signatureCheck(key: $0.key, secret: $0.secret, region: String(setup.pool.id.prefix { $0 != "_" }))
                }
            ),
            host: host,
            port: poolPort,
            serverName: "gatehouse-pool",
            allowed: poolHosts,
            logger: logger
        )
        let issuer = service.pools.issuerURL(poolID: setup.pool.id)
        let apiURL = "http://\(publicHost):\(port)"
        let poolDirectory = LocalPoolDirectory(service: service, poolID: setup.pool.id)
        let configuration: GatehouseConfiguration
        let sessions: SessionSetup?
        do {
            configuration = try GatehouseConfiguration(
                inProcessPool: setup.pool.id,
                issuer: issuer,
                clientIDs: clientIDs,
                allowedOrigins: [appOrigin],
                environment: environment
            )
            // The session never outlives the refresh token: the client says how long that lives.
            let defaults = SessionSettings(
                endpoints: OAuthEndpoints(domain: base),
                clientID: sessionClient.id,
                clientSecret: sessionClient.secret,
                redirectURI: appOrigin + "/",
                logoutURI: appOrigin + "/",
                // No admin scope by default: the session's access token goes to the app's
                // upstreams, and sign-out everywhere is the pool's own call in-process.
                scopes: ["openid", "email", "profile"],
                store: .sqlite(path: directory.appendingPathComponent("sessions.sqlite3").path),
                maxAge: min(SessionSettings.defaultMaxAge, Double(sessionClient.settings.refreshTokenSeconds))
            )
            sessions = try sessionSetup(
                try SessionSettings.from(environment, defaults: defaults),
                environment: environment,
                home: .dataDirectory(ServeDataDirectory(folder: directory)),
                transport: HTTPClientTransport(client: httpClient),
                logger: logger
            )
        } catch {
            fail("configuration error: \(error)")
        }
        var services: [any Service] = [poolApp] + triggers.services
        var appLine = "not served (no web app folder found; see --web-dir)"
        if let assets = loadWebAssets(logger: logger) {
            var config = JSONWriter()
            config.add("domain", base)
            config.add("issuer", issuer)
            config.add("clientId", appClient.id)
            config.add("redirectUri", appOrigin + "/")
            config.add("logoutUri", appOrigin + "/")
            config.add("apiUrl", apiURL)
            config.add("storage", "session")
            if appMode == .cookie && sessions == nil { fail("--app-mode cookie needs cookie sessions, which are off") }
            config.add("mode", (appMode ?? (sessions == nil ? .storage : .cookie)).rawValue)
            config.add("appOrigin", appOrigin)
            if demoAPI { config.add("demoApi", "/demo-api/hello") }
            let router = buildWebAppRouter(
                assets: assets,
                configuration: config.finish(),
                connectSources: [base, apiURL],
                canonicalOrigin: appOrigin
            )
            services.append(limits.application(router, host: host, port: appPort, serverName: "gatehouse-app", allowed: appHosts, logger: logger))
            appLine = appOrigin + "/"
        }
        let banner =
            ("""
            Gatehouse local pool \(setup.created ? "created" : "reused") in \(directory.path)
              app            \(appLine)   (open exactly this address: the API allows this origin only)
              demo user      \(setup.demoUsername) / \(setup.demoPassword)
              API            \(apiURL)/userinfo
              user pool      \(setup.pool.id)
              issuer         \(issuer)
              cognito-idp    \(base)   (boto3/AWS CLI: --endpoint-url \(base))
              SPA client     \(setup.spaClient.id)   (public, code + PKCE, callback \(appOrigin)/)
              confidential   \(setup.confidentialClient.id)   (secret in: gatehouse pool show)
              sessions       \(sessions.map { "cookie sessions, client \($0.settings.clientID)" } ?? "off")

            """)
        FileHandle.standardOutput.write(Data(banner.utf8))
        return LocalPoolWiring(
            services: services,
            configuration: configuration,
            pool: .inProcess(
                directory: poolDirectory,
                keys: poolDirectory,
                acceptsClient: { await poolDirectory.hasClient($0) },
                authority: poolDirectory,
                signOut: poolDirectory
            ),
            sessions: sessions
        )
    }

    /// The demo app's files (HTML, JavaScript, CSS, images) from `--web-dir`, `./Web`, or the
    /// source tree's `Web/`, read once; nil when none of them holds an `index.html`.
    func loadWebAssets(logger: Logger) -> [String: WebAsset]? {
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Web").standardized.path
        let candidates = webDir.map { [$0] } ?? ["Web", sourceTree]
        let manager = FileManager.default
        guard let folder = candidates.first(where: { manager.fileExists(atPath: $0 + "/index.html") }) else {
            if webDir != nil { fail("--web-dir \(webDir!) has no index.html") }
            return nil
        }
        var assets: [String: WebAsset] = [:]
        for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
            // Regular files only: a symbolic link could point anywhere (`/etc/passwd`, the data directory).
            let path = folder + "/" + name
            guard let type = WebAsset.contentType(forFileName: name),
                (try? manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular,
                let data = manager.contents(atPath: path)
            else {
                continue
            }
            assets[name] = WebAsset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        logger.debug("gatehouse.app.assets", metadata: ["gatehouse.app.folder": "\(folder)", "gatehouse.app.files": "\(assets.count)"])
        return assets
    }
}
