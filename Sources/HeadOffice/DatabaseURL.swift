import Deadlines
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Where head office's PostgreSQL is, from a libpq-style URL:
/// `postgres://user@host:5432/kiosk_hq?sslmode=require` or, over a Unix socket,
/// `postgres:///kiosk_hq?host=/run/postgresql&user=kiosk`.
///
/// A password is taken from `PGPASSWORD` (or a `password=` query parameter), never printed: the
/// URL is written in unit files and shell history, so it is not the place for one.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket folder, as libpq's `host=` names it (the socket is `.s.PGSQL.PORT` inside).
        case socket(folder: String, port: Int)
    }

    public enum TLSMode: String, Sendable {
        case disable, require, verifyFull = "verify-full"
    }

    public let endpoint: Endpoint
    public let user: String
    public let database: String
    public let tls: TLSMode
    let password: String?

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let parts = URLComponents(string: text), ["postgres", "postgresql"].contains(parts.scheme?.lowercased()) else {
            throw Invalid(description: "database URL: expected postgres://user@host:port/database")
        }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] {
            guard let value = item.value else { throw Invalid(description: "database URL: parameter \(item.name) has no value") }
            query[item.name] = value
        }
        let known: Set<String> = ["host", "port", "user", "sslmode", "password"]
        if let unknown = query.keys.first(where: { !known.contains($0) }) {
            throw Invalid(description: "database URL: unknown parameter \(unknown)")
        }
        let portText = parts.port.map(String.init) ?? query["port"] ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else { throw Invalid(description: "database URL: bad port \(portText)") }
        let host = query["host"] ?? parts.host.flatMap { $0.isEmpty ? nil : $0 } ?? "/run/postgresql"
        endpoint = host.hasPrefix("/") ? .socket(folder: host, port: port) : .tcp(host: host, port: port)
        user = parts.user ?? query["user"] ?? environment["PGUSER"] ?? "postgres"
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = path.isEmpty ? user : path
        password = parts.password ?? query["password"] ?? environment["PGPASSWORD"]
        let mode = query["sslmode"] ?? (host.hasPrefix("/") || host == "localhost" || host == "127.0.0.1" ? "disable" : "verify-full")
        guard let tls = TLSMode(rawValue: mode) else { throw Invalid(description: "database URL: sslmode must be disable, require or verify-full") }
        if case .socket = endpoint, tls != .disable { throw Invalid(description: "database URL: a Unix socket takes no TLS") }
        self.tls = tls
    }

    /// The URL without its password (for logs and errors).
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): return "postgres://\(user)@\(host):\(port)/\(database)"
        case .socket(let folder, let port): return "postgres:///\(database)?host=\(folder)&port=\(port)&user=\(user)"
        }
    }

    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .socket(let folder, let port):
            configuration = .init(unixSocketPath: "\(folder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: user, password: password, database: database,
                                  tls: tlsConfiguration.map { .require($0) } ?? .disable)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// TLS as `sslmode` asks: none; libpq's "require" (encrypted, the server's certificate not
    /// checked); or "verify-full".
    var tlsConfiguration: TLSConfiguration? {
        switch tls {
        case .disable: return nil
        case .require:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            return config
        case .verifyFull: return .makeClientConfiguration()
        }
    }

    /// One connection made and closed, to say why the database cannot be used when it cannot: the
    /// pool only says, after a minute of retries, that its circuit breaker tripped.
    public func probe(logger: Logger) async throws {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .socket(let folder, let port):
            configuration = .init(unixSocketPath: "\(folder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: user, password: password, database: database,
                                  tls: try tlsConfiguration.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable)
        }
        let limit = Duration.seconds(10), name = description
        do {
            let connection = try await withDeadline(limit, expired: { DatabaseFailure(description: "database: no answer from \(name) in \(limit)") }) {
                [configuration] in try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            }
            try? await connection.close()
        } catch let error as PSQLError {
            throw DatabaseFailure(error, database: name)
        }
    }
}
