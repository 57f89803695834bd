import ArgumentParser
import AsyncHTTPClient
import Foundation
import GatehouseAWS
import Logging

/// `gatehouse sessions …`: the session store's infrastructure.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Manage the cookie sessions' DynamoDB table.",
        subcommands: [CreateTable.self]
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
            let environment = ProcessInfo.processInfo.environment
            let logger = Logger(label: "gatehouse")
            guard let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"], !region.isEmpty else {
                throw CommandFailure("AWS_REGION: not set")
            }
            guard let endpoint = DynamoDB.endpoint(environment: environment, region: region) else {
                throw CommandFailure("AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL: must be an http(s) URL")
            }
            let credentials: AWSCredentials
            do {
                credentials = try EnvironmentCredentials.load(from: environment)
            } catch {
                throw CommandFailure("\(error)")
            }
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let dynamo = DynamoDB(
                endpoint: endpoint,
                region: region,
                credentials: StaticCredentialProvider(credentials),
                transport: HTTPClientTransport(client: client)
            )
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
}
