import Foundation
import HeadOffice
import KioskTestSupport
import Logging
import PostgresNIO

/// A fresh database in the tests' shared PostgreSQL, migrated, for the length of `body`.
func withHeadOfficeDatabase<T: Sendable>(_ body: @Sendable (PostgresHandle, PostgresCluster, String) async throws -> T) async throws -> T {
    let cluster = try await PostgresCluster.shared()
    let url = try await cluster.makeDatabase("hq")
    let logger = Logger(label: "hq-test")
    return try await HeadOfficeDatabase.with(try DatabaseURL(url)) { client in
        try await HeadOfficeSchema.migrate(client, logger: logger)
        return try await body(PostgresHandle(client: client, logger: logger), cluster, url)
    }
}

/// The database name in a test cluster URL.
func databaseName(_ url: String) -> String {
    String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
}

/// A valid base64 Ed25519 public key (any 32 bytes are accepted at enrolment; the collector checks
/// signatures against it).
let testPublicKey = Data(repeating: 7, count: 32).base64EncodedString()
