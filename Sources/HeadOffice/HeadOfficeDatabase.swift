import Logging
import PostgresNIO

/// Head office's PostgreSQL: a connection pool that runs for as long as `body` does.
public enum HeadOfficeDatabase {
    public static func with<Result: Sendable>(_ url: DatabaseURL, maximumConnections: Int = 8,
                                              _ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        try await url.probe(logger: Logger(label: "kiosk-hq"))
        var configuration = url.clientConfiguration
        configuration.options.maximumConnections = maximumConnections
        return try await with(configuration, body)
    }

    public static func with<Result: Sendable>(_ configuration: PostgresClient.Configuration,
                                              _ body: @Sendable (PostgresClient) async throws -> Result) async throws -> Result {
        let client = PostgresClient(configuration: configuration)
        do {
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                return try await body(client)
            }
        } catch let error as PSQLError {
            throw DatabaseFailure(error)
        }
    }
}
