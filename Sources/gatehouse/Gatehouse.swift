import ArgumentParser

/// The `gatehouse` command line.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Login backend for single-page apps signing users in with Amazon Cognito.",
        subcommands: [Serve.self, UsersCommand.self, GroupsCommand.self, PoolCommand.self, SessionsCommand.self]
    )
}
