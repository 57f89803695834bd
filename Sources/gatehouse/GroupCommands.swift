import ArgumentParser
import LocalPool

/// `gatehouse groups …`: the local pool's groups.
struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "Manage the local pool's groups (members: `gatehouse users add-to-group`).",
        subcommands: [Create.self, List.self, Delete.self, Members.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The group's name.") var name: String
        @Option(help: "Its precedence: lower comes first in cognito:groups.") var precedence: Int?
        @Option(help: "A description.") var description: String?

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in
                _ = try await service.groups.createGroup(poolID: pool.id, name: name, description: description, roleArn: nil, precedence: precedence)
            }
            print("created group \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the groups: name, precedence, description.")
        @OptionGroup var options: PoolOptions

        func run() async throws {
            var after: String?
            repeat {
                let page = try await options.run { (service, pool) throws(LocalPoolError) in
                    try await service.groups.groups(poolID: pool.id, limit: 60, after: after)
                }
                for group in page.groups {
                    print("\(group.name)\t\(group.precedence.map(String.init) ?? "-")\t\(group.groupDescription ?? "-")")
                }
                after = page.next
            } while after != nil
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a group (its members stay, without it).")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The group's name.") var name: String

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in try await service.groups.deleteGroup(poolID: pool.id, name: name) }
            print("deleted group \(name)")
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a group's members, one username per line.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The group's name.") var name: String

        func run() async throws {
            var after: String?
            repeat {
                let page = try await options.run { (service, pool) throws(LocalPoolError) in
                    try await service.groups.users(inGroup: name, poolID: pool.id, limit: 60, after: after)
                }
                for user in page.users { print(user.username) }
                after = page.next
            } while after != nil
        }
    }
}

extension UsersCommand {
    struct AddToGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-to-group", abstract: "Add a user to a group.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String
        @Argument(help: "The group's name.") var group: String

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.groups.addUserToGroup(poolID: pool.id, username: username, groupName: group)
            }
            print("added \(username) to \(group)")
        }
    }

    struct RemoveFromGroup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-from-group", abstract: "Remove a user from a group.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String
        @Argument(help: "The group's name.") var group: String

        func run() async throws {
            try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.groups.removeUserFromGroup(poolID: pool.id, username: username, groupName: group)
            }
            print("removed \(username) from \(group)")
        }
    }

    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's groups in token order, one per line.")
        @OptionGroup var options: PoolOptions
        @Argument(help: "The username.") var username: String

        func run() async throws {
            let page = try await options.run { (service, pool) throws(LocalPoolError) in
                try await service.groups.groups(ofUser: username, poolID: pool.id, limit: 10_000, after: nil)
            }
            for group in page.groups { print(group.name) }
        }
    }
}
