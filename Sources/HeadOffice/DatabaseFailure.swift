import PostgresNIO

/// A PostgreSQL failure in words an operator can act on. postgres-nio's own description hides
/// everything, and its debug description carries the query and its values; this gives the
/// server's message and SQLSTATE, or the client's code and its cause, and nothing of the query.
public struct DatabaseFailure: Error, CustomStringConvertible {
    public let description: String

    /// `database`: the URL without its password, for a failure to connect.
    public init(_ error: PSQLError, database: String? = nil) {
        let at = database.map { " (\($0))" } ?? ""
        if let info = error.serverInfo, let message = info[.message] {
            description = "database\(at): \(message) (SQLSTATE \(info[.sqlState] ?? "unknown"))"
        } else {
            description = "database\(at): \(error.code)\(error.underlying.map { ": \($0)" } ?? "")"
        }
    }

    init(description: String) {
        self.description = description
    }

    /// `error` in those words when it is a PostgreSQL failure, else its own.
    public static func text(_ error: any Error) -> String {
        (error as? PSQLError).map { DatabaseFailure($0).description } ?? "\(error)"
    }
}
