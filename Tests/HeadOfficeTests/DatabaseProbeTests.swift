import Foundation
import HeadOffice
import KioskTestSupport
import Logging
import Testing

/// A database that cannot be used is reported at once with its cause, not after the pool's minute
/// of retries as "circuit breaker tripped".
@Suite struct DatabaseProbeTests {
    let logger = Logger(label: "probe-test")

    func failure(_ url: String) async -> String? {
        do {
            try await DatabaseURL(url).probe(logger: logger)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func noServerSaysWhereItLooked() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try #require(await failure("postgres:///kiosk_hq?host=\(folder.path)"))
        #expect(text.hasPrefix("database (postgres:///kiosk_hq?host=\(folder.path)&port=5432&user=postgres): connectionError"), "\(text)")
        #expect(text.contains("No such file or directory"), "\(text)")
        let refused = try #require(await failure("postgres://kiosk@127.0.0.1:1/kiosk_hq?sslmode=disable"))
        #expect(refused.contains("Connection refused"), "\(refused)")
    }

    @Test func aMissingDatabaseIsNamedWithItsSQLState() async throws {
        let cluster = try await PostgresCluster.shared()
        let text = try #require(await failure("postgres:///no_such_database?host=\(cluster.socketFolder)&port=\(PostgresCluster.port)&user=postgres"))
        #expect(text.contains("database \"no_such_database\" does not exist") && text.contains("SQLSTATE 3D000"), "\(text)")
        #expect(await failure(try await cluster.makeDatabase("probe")) == nil)
    }

    @Test func thePasswordNeverAppearsInTheFailure() async throws {
        let text = try #require(await failure("postgres://kiosk:s3cret-pw@127.0.0.1:1/kiosk_hq?sslmode=disable"))
        #expect(!text.contains("s3cret-pw"), "\(text)")
    }
}
