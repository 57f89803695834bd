import ArgumentParser
import Foundation
import LocalPool
import Logging

/// An operation that failed (the user exists, the pool is missing, …): its message and exit
/// status 1, without the usage text ArgumentParser prints for a `ValidationError`, which is for
/// arguments that do not parse.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Options shared by the commands that work on the local pool's data directory.
struct PoolOptions: ParsableArguments {
    @Option(help: "Directory holding the local pool's database.")
    var dataDir = ".gatehouse"

    @Option(help: "Port the local pool is served on (used for its issuer URL).")
    var poolPort = 9229

    /// Opens the service and the (first) pool.
    func open() async throws -> (LocalPoolService, PoolRecord) {
        let directory = URL(fileURLWithPath: dataDir, isDirectory: true)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("pool.sqlite3").path) else {
            throw CommandFailure("no local pool in \(directory.path); run `gatehouse serve` once to create it")
        }
        let logger = Logger(label: "gatehouse")
        let database = try PoolDatabase(directory: directory)
        for path in database.narrowedPermissions {
            logger.warning("gatehouse.pool.permissions_narrowed", metadata: ["gatehouse.path": "\(path)"])
        }
        let service = LocalPoolService(database: database, baseURL: "http://127.0.0.1:\(poolPort)", logger: logger)
        guard let pool = try await service.pools.pools().first else { throw CommandFailure("the data directory holds no pool") }
        return (service, pool)
    }

    /// Opens the pool and runs `operation` on it; a pool error becomes the command's error message.
    func run<T>(_ operation: (LocalPoolService, PoolRecord) async throws(LocalPoolError) -> T) async throws -> T {
        let (service, pool) = try await open()
        do {
            return try await operation(service, pool)
        } catch {
            throw CommandFailure(error.message)
        }
    }
}

/// `gatehouse pool show`.
struct PoolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pool", abstract: "Inspect the local pool.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the pool, its clients (with secrets) and the demo user.")
        @OptionGroup var options: PoolOptions

        func run() async throws {
            let (service, pool) = try await options.open()
            print("user pool   \(pool.id)  (\(pool.name))")
            print("issuer      \(service.pools.issuerURL(poolID: pool.id))")
            for client in try await service.pools.clients(poolID: pool.id) {
                print("client      \(client.id)  \(client.name)  flows: \(client.settings.allowedOAuthFlows.joined(separator: ","))")
                print("  callback  \(client.settings.callbackURLs.joined(separator: " "))")
                if let secret = client.secret { print("  secret    \(secret)") }
            }
            let credentials = URL(fileURLWithPath: options.dataDir).appendingPathComponent("demo-user.json")
            if let data = try? Data(contentsOf: credentials), let demo = try? JSONDecoder().decode([String: String].self, from: data) {
                print("demo user   \(demo["username"] ?? "?") / \(demo["password"] ?? "?")")
            }
        }
    }
}

/// `gatehouse users create|list|set-password|disable|enable|delete`.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage the local pool's users.",
        subcommands: [
            Create.self, List.self, SetPassword.self, Disable.self, Enable.self, Delete.self, AddToGroup.self, RemoveFromGroup.self,
            Groups.self, Codes.self,
        ]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a confirmed user.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String
        @Option(help: "The password (Cognito's default policy applies).") var password: String
        @Option(name: .customLong("attribute"), help: "An attribute as name=value; repeatable.") var attributes: [String] = []

        func run() async throws {
            let parsed = try attributes.map { text -> UserRecord.Attribute in
                guard let equals = text.firstIndex(of: "=") else { throw ValidationError("--attribute takes name=value, got \(text)") }
                return UserRecord.Attribute(name: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
            }
            try await options.run { (service, pool) throws(LocalPoolError) in
                _ = try await service.users.createUser(poolID: pool.id, username: username, attributes: parsed, temporaryPassword: password)
                try await service.users.setPassword(poolID: pool.id, username: username, password: password, permanent: true)
            }
            print("created \(username)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users, optionally with a ListUsers filter.")
        @OptionGroup var options: PoolOptions
        @Option(help: #"A filter such as 'email = "a@example.com"'."#) var filter: String?

        func run() async throws {
            var after: String?
            repeat {
                let page = try await options.run { (service, pool) throws(LocalPoolError) in
                    try await service.users.listUsers(poolID: pool.id, filter: filter, limit: 60, after: after)
                }
                for user in page.users {
                    let email = user.attribute("email") ?? "-"
                    print("\(user.username)\t\(user.status)\t\(user.enabled ? "enabled" : "disabled")\t\(email)\t\(user.sub)")
                }
                after = page.next
            } while after != nil
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Set a user's password.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String
        @Option(help: "The new password.") var password: String
        @Flag(help: "Make the user change it at next sign-in.") var temporary = false

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.users.setPassword(poolID: pool.id, username: username, password: password, permanent: !temporary)
            }
            print("password set for \(username)")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.users.setEnabled(poolID: pool.id, username: username, enabled: false)
            }
            print("disabled \(username)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a user.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.users.setEnabled(poolID: pool.id, username: username, enabled: true)
            }
            print("enabled \(username)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.users.deleteUser(poolID: pool.id, username: username)
            }
            print("deleted \(username)")
        }
    }
}
