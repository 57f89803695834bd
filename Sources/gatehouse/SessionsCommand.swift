import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatehouseAWS
import GatehouseCore
import GatehouseSessions
import GatehouseSessionsSQLite
import LocalPool
import Logging

/// `gatehouse sessions …`: the session store's infrastructure.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Manage cookie sessions: their DynamoDB table, and signing a user out everywhere.",
        subcommands: [CreateTable.self, Revoke.self]
    )

    struct CreateTable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-table",
            abstract: "Create the DynamoDB session table: on demand, key `id`, index `bySubject`, TTL on `expiresAt`.",
            discussion: """
                Uses AWS_REGION (or AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and \
                AWS_SESSION_TOKEN, and the endpoint the AWS SDKs would: AWS_ENDPOINT_URL_DYNAMODB, else \
                AWS_ENDPOINT_URL, else DynamoDB's own.
                """
        )

        @Argument(help: "The table's name.")
        var table: String

        func run() async throws {
            let logger = Logger(label: "gatehouse")
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let dynamo: DynamoDB
            do {
                dynamo = try DynamoDB(environment: ProcessInfo.processInfo.environment, transport: HTTPClientTransport(client: client))
            } catch {
                try await client.shutdown()
                throw CommandFailure("\(error)")
            }
            var failure: (any Error)?
            do {
                try await dynamo.createTable(table, key: "id", indexes: ["bySubject": "subject"], logger: logger)
                try await dynamo.enableTimeToLive(table: table, attribute: "expiresAt", logger: logger)
            } catch {
                failure = error
            }
            try await client.shutdown()
            if let failure { throw CommandFailure("\(table): \(failure)") }
            print("created \(table): key id, index bySubject (subject), TTL on expiresAt")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a user out everywhere: every cookie session ended, every token of theirs revoked at the pool.",
            discussion: """
                With GATEHOUSE_USER_POOL_ID set the pool is Cognito, configured as for `serve` \
                (AdminGetUser and AdminUserGlobalSignOut, signed with the AWS_* credentials); otherwise the \
                local pool in --data-dir. The sessions are in GATEHOUSE_SESSION_STORE (or --session-store), \
                by default the SQLite file in --data-dir. Instances sharing the store refuse the user's \
                cookies from the next request; with GATEHOUSE_REVOCATION_CHECK=on they refuse the user's \
                bearer tokens once their cached answer (GATEHOUSE_REVOCATION_CACHE_TTL) runs out.
                """
        )

        @Option(help: "The username (or sub) to sign out.")
        var user: String

        @Option(help: "Directory holding the local pool's database (and the default session store).")
        var dataDir = ".gatehouse"

        @Option(help: "Session store: sqlite:PATH or dynamodb:TABLE (GATEHOUSE_SESSION_STORE).")
        var sessionStore: String?

        func run() async throws {
            var environment = ProcessInfo.processInfo.environment
            if let sessionStore { environment[SessionSettings.Variable.store] = sessionStore }
            let logger = Logger(label: "gatehouse")
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let transport = HTTPClientTransport(client: client)
            let subject: String
            let username: String
            do {
                (subject, username) =
                    await GatehouseConfiguration.namesUserPool(environment)
                    ? try await signOutAtCognito(environment: environment, transport: transport, logger: logger)
                    : try signOutAtLocalPool()
                let store = try self.store(environment: environment, transport: transport)
                let ended = try await store.deleteAll(subject: subject)
                // A running serve keeps SQLite records in memory: tell it to forget them now.
                if let sqlite = store as? SQLiteSessionStore { try sqlite.markChanged() }
                try await client.shutdown()
                print("signed out \(username) everywhere: \(ended) session(s) ended, every token revoked at the pool")
            } catch {
                try? await client.shutdown()
                throw CommandFailure("\(error)")
            }
        }

        private func store(environment: [String: String], transport: any AWSTransport) throws -> any SessionStore {
            let folder = URL(fileURLWithPath: dataDir, isDirectory: true)
            let text = environment[SessionSettings.Variable.store].flatMap { $0.isEmpty ? nil : $0 }
            switch try text.map(SessionSettings.StoreChoice.init(parsing:)) ?? .sqlite(path: folder.appendingPathComponent("sessions.sqlite3").path) {
            case .memory: throw CommandFailure("a memory session store lives inside its serve process: nothing to revoke from here")
            case .sqlite(let path): return try SQLiteSessionStore(path: path)
            case .dynamodb(let table):
                return DynamoDBSessionStore(
                    dynamoDB: try DynamoDB(environment: environment, transport: transport),
                    table: table,
                    logger: Logger(label: "gatehouse")
                )
            }
        }

        private func signOutAtLocalPool() async throws -> (subject: String, username: String) {
            let (service, pool) = try await PoolOptions.parse(["--data-dir", dataDir]).open()
            do {
                let record = try await service.users.user(poolID: pool.id, username: user)
                try await service.users.globalSignOut(poolID: pool.id, username: record.username)
                return (record.sub, record.username)
            } catch {
                throw CommandFailure(error.message)
            }
        }

        private func signOutAtCognito(
            environment: [String: String],
            transport: any AWSTransport,
            logger: Logger
        ) async throws -> (subject: String, username: String) {
            let configuration = try GatehouseConfiguration(environment: environment)
            let cognito = CognitoIdentityProvider(
                endpoint: AWSEndpoint(url: configuration.cognitoEndpoint)!,
                region: configuration.region,
                credentials: StaticCredentialProvider(try EnvironmentCredentials.load(from: environment)),
                transport: transport
            )
            let found = try await cognito.adminGetUser(userPoolID: configuration.userPoolID, username: user, logger: logger)
            guard let sub = found.userAttributes?.first(where: { $0.name == "sub" })?.value else {
                throw CommandFailure("\(user): Cognito returned no sub")
            }
            try await cognito.adminUserGlobalSignOut(userPoolID: configuration.userPoolID, username: found.username, logger: logger)
            return (sub, found.username)
        }
    }
}
