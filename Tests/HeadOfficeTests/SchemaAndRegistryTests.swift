import Foundation
import HeadOffice
import KioskTestSupport
import PostgresNIO
import Testing

@Suite struct SchemaAndRegistryTests {
    @Test func migrateMakesEveryTableOnceAndAgainIsANoOp() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            let tables = try await cluster.psql(database: databaseName(url), """
                SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'
                """)
            #expect(tables.trimmingCharacters(in: .whitespacesAndNewlines) == [
                "coupon_redemption", "event", "lane", "lane_cursor", "quarantine_evidence", "sale", "sale_discount", "sale_line",
                "sale_payment", "sale_tax", "schema_migration"].joined(separator: ","))
            #expect(try await HeadOfficeSchema.migrate(db.client, logger: db.logger) == [])
            try await HeadOfficeSchema.requireCurrent(db.client, logger: db.logger)
            // The events table is partitioned (by month of the lane's clock).
            let kind = try await cluster.psql(database: databaseName(url), "SELECT relkind FROM pg_class WHERE relname = 'event'")
            #expect(kind.trimmingCharacters(in: .whitespacesAndNewlines) == "p")
        }
    }

    @Test func aDatabaseNewerThanTheProgramIsRefused() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            try await cluster.psql(database: databaseName(url), "INSERT INTO schema_migration (version, name) VALUES (999, 'future')")
            await #expect(throws: HeadOfficeSchema.TooNew.self) { try await HeadOfficeSchema.requireCurrent(db.client, logger: db.logger) }
            await #expect(throws: HeadOfficeSchema.TooNew.self) { try await HeadOfficeSchema.migrate(db.client, logger: db.logger) }
        }
    }

    @Test func lanesAreEnrolledOnceListedAndRemovedWithTheirDataKept() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            let registry = LaneRegistry(db)
            let lane = try EnrolledLane(id: "lane-1", store: "store-7", publicKey: testPublicKey, address: "https://10.0.0.5:8443",
                                        credential: .tokenFile("/etc/kiosk-hq/lane-1.token"), timeZone: "Asia/Shanghai")
            try await registry.add(lane)
            await #expect(throws: LaneRegistry.Problem.alreadyEnrolled("lane-1")) { try await registry.add(lane) }
            #expect(try await registry.active() == [lane])
            try await registry.remove("lane-1")
            #expect(try await registry.active() == [])
            await #expect(throws: LaneRegistry.Problem.notEnrolled("lane-1")) { try await registry.remove("lane-1") }
            // Removed, not deleted: its row (and what was collected from it) stays.
            let kept = try await cluster.psql(database: databaseName(url), "SELECT count(*) FROM lane WHERE removed_at IS NOT NULL")
            #expect(kept.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        }
    }

    @Test(arguments: [
        ("id", "lane 1", "https://10.0.0.5:8443"), ("id", "", "https://10.0.0.5:8443"),
        ("address", "lane-1", "http://10.0.0.5:8443"), ("address", "lane-1", "https://10.0.0.5:8443/x"),
        ("address", "lane-1", "https://user@10.0.0.5:8443"), ("address", "lane-1", "ftp://10.0.0.5"),
    ])
    func badEnrolmentsAreRefusedByField(field: String, id: String, address: String) {
        let error = #expect(throws: EnrolledLane.Invalid.self) {
            _ = try EnrolledLane(id: id, store: "s", publicKey: testPublicKey, address: address, credential: .tokenFile("/t"))
        }
        #expect(error?.field == field)
    }

    @Test func aPublicKeyOfTheWrongLengthOrATimeZoneThatDoesNotExistIsRefused() {
        let short = #expect(throws: EnrolledLane.Invalid.self) {
            _ = try EnrolledLane(id: "l", store: "s", publicKey: Data(count: 31).base64EncodedString(), address: "https://h:1",
                                 credential: .tokenFile("/t"))
        }
        #expect(short?.field == "public-key")
        #expect(throws: EnrolledLane.Invalid.self) {
            _ = try EnrolledLane(id: "l", store: "s", publicKey: testPublicKey, address: "https://h:1", credential: .tokenFile("/t"),
                                 timeZone: "Mars/Olympus")
        }
        // Plain HTTP only to loopback (a lane's sync listener serves plain HTTP nowhere else).
        #expect(throws: Never.self) {
            _ = try EnrolledLane(id: "l", store: "s", publicKey: testPublicKey, address: "http://127.0.0.1:8443", credential: .tokenFile("/t"))
        }
    }

    @Test func databaseURLsParseLikeLibpqAndNeverPrintThePassword() throws {
        let tcp = try DatabaseURL("postgres://hq:s3cret@db.example:6432/kiosk?sslmode=require", environment: [:])
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 6432))
        #expect(tcp.user == "hq" && tcp.database == "kiosk" && tcp.tls == .require)
        #expect(!tcp.description.contains("s3cret"))
        let socket = try DatabaseURL("postgres:///kiosk?host=/run/postgresql&user=hq", environment: [:])
        #expect(socket.endpoint == .socket(folder: "/run/postgresql", port: 5432) && socket.tls == .disable)
        // Remote without an sslmode: verified TLS, not plain text.
        #expect(try DatabaseURL("postgres://hq@db.example/kiosk", environment: [:]).tls == .verifyFull)
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL("mysql://db/kiosk", environment: [:]) }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL("postgres://db/kiosk?sslmode=maybe", environment: [:]) }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL("postgres://db/kiosk?application=x", environment: [:]) }
        #expect(throws: DatabaseURL.Invalid.self) { try DatabaseURL("postgres:///kiosk?host=/run/postgresql&sslmode=require", environment: [:]) }
    }
}
