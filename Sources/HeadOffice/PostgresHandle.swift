import Logging
import PostgresNIO

/// The pool and the logger every head-office operation uses.
public struct PostgresHandle: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }
}

extension PostgresHandle {
    /// `body` in one transaction, committed when it returns. Its own error is thrown as itself
    /// (postgres-nio wraps it), so callers can tell a refusal from a database failure.
    public func transaction<Result>(isolation: isolated (any Actor)? = #isolation,
                                    _ body: (PostgresConnection) async throws -> sending Result) async throws -> sending Result {
        do {
            return try await client.withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }
}
