import Logging
import PostgresNIO

/// Head office's tables, as numbered migrations. Migrations only ever add: a chain's sales
/// history is never rewritten by an upgrade.
public enum HeadOfficeSchema {
    struct Migration {
        let version: Int
        let name: String
        let statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "lanes-events-sales", statements: [
            // An enrolled lane: who it is (its Ed25519 key), where its sync API is, and where its
            // credential is kept (paths, never the token itself). A removed lane keeps its data.
            """
            CREATE TABLE lane (
                id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9._-]{1,64}$'),
                store text NOT NULL CHECK (store ~ '^[A-Za-z0-9._-]{1,64}$'),
                public_key bytea NOT NULL CHECK (octet_length(public_key) = 32),
                address text NOT NULL,
                token_file text,
                client_certificate_file text,
                client_key_file text,
                ca_file text,
                time_zone text NOT NULL DEFAULT 'UTC',
                enrolled_at timestamptz NOT NULL DEFAULT now(),
                removed_at timestamptz
            )
            """,
            // Where head office stands with each lane: the last stored event, the newest signed
            // head seen (a lane whose journal later ends before it was rolled back), and why it is
            // quarantined, if it is. Updated in the same transaction as the events it covers.
            """
            CREATE TABLE lane_cursor (
                lane text PRIMARY KEY REFERENCES lane(id),
                seq bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
                hash bytea,
                head_seq bigint,
                head_hash bytea,
                head_at bigint,
                head_signature bytea,
                lane_newest_seq bigint,
                last_event_at bigint,
                last_contact_at timestamptz,
                last_error text,
                last_error_at timestamptz,
                quarantined_at timestamptz,
                quarantine_reason text
            )
            """,
            // What made a lane quarantined, kept as found: nothing is overwritten or repaired.
            """
            CREATE TABLE quarantine_evidence (
                id bigserial PRIMARY KEY,
                lane text NOT NULL REFERENCES lane(id),
                found_at timestamptz NOT NULL DEFAULT now(),
                reason text NOT NULL,
                detail jsonb NOT NULL
            )
            """,
            // Every event exactly as the lane stored and hashed it, partitioned by month of `at`
            // (milliseconds since the epoch, the lane's clock). PostgreSQL requires the partition
            // key in the primary key; (lane, seq) stays unique because a page is only stored when it
            // continues the lane's cursor, in the transaction that moves the cursor.
            """
            CREATE TABLE event (
                lane text NOT NULL,
                seq bigint NOT NULL CHECK (seq >= 1),
                at bigint NOT NULL,
                session text,
                kind text NOT NULL,
                payload text NOT NULL,
                writes text,
                hash bytea NOT NULL CHECK (octet_length(hash) = 32),
                PRIMARY KEY (lane, seq, at)
            ) PARTITION BY RANGE (at)
            """,
            "CREATE INDEX event_lane_seq ON event (lane, seq)",
            """
            CREATE TABLE sale (
                lane text NOT NULL REFERENCES lane(id),
                id text NOT NULL,
                seq bigint NOT NULL,
                completed_at timestamptz NOT NULL,
                currency text NOT NULL,
                minor_digits smallint NOT NULL,
                subtotal bigint NOT NULL,
                total bigint NOT NULL,
                item_count integer NOT NULL,
                member text,
                PRIMARY KEY (lane, id),
                UNIQUE (lane, seq)
            )
            """,
            "CREATE INDEX sale_completed_at ON sale (completed_at)",
            """
            CREATE TABLE sale_line (
                lane text NOT NULL,
                sale_id text NOT NULL,
                line_no integer NOT NULL,
                gtin text NOT NULL,
                name text NOT NULL,
                quantity integer NOT NULL,
                unit_price bigint NOT NULL,
                amount bigint NOT NULL,
                tax_code text NOT NULL,
                PRIMARY KEY (lane, sale_id, line_no),
                FOREIGN KEY (lane, sale_id) REFERENCES sale (lane, id)
            )
            """,
            """
            CREATE TABLE sale_discount (
                lane text NOT NULL,
                sale_id text NOT NULL,
                discount_no integer NOT NULL,
                gtin text NOT NULL,
                promotion text NOT NULL,
                amount bigint NOT NULL,
                PRIMARY KEY (lane, sale_id, discount_no),
                FOREIGN KEY (lane, sale_id) REFERENCES sale (lane, id)
            )
            """,
            """
            CREATE TABLE sale_tax (
                lane text NOT NULL,
                sale_id text NOT NULL,
                tax_no integer NOT NULL,
                tax_code text NOT NULL,
                basis_points integer NOT NULL,
                gross bigint NOT NULL,
                tax bigint NOT NULL,
                PRIMARY KEY (lane, sale_id, tax_no),
                FOREIGN KEY (lane, sale_id) REFERENCES sale (lane, id)
            )
            """,
            """
            CREATE TABLE sale_payment (
                lane text NOT NULL,
                sale_id text NOT NULL,
                attempt_id text NOT NULL,
                tender text NOT NULL,
                reference text NOT NULL,
                amount bigint NOT NULL,
                PRIMARY KEY (lane, sale_id),
                FOREIGN KEY (lane, sale_id) REFERENCES sale (lane, id)
            )
            """,
            // A one-time coupon redeemed on two lanes while both were offline shows up here twice
            // (same coupon_id, two lanes): the coupons report flags it.
            """
            CREATE TABLE coupon_redemption (
                lane text NOT NULL,
                sale_id text NOT NULL,
                coupon_id text NOT NULL,
                seq bigint NOT NULL,
                amount bigint NOT NULL,
                PRIMARY KEY (lane, sale_id, coupon_id),
                FOREIGN KEY (lane, sale_id) REFERENCES sale (lane, id)
            )
            """,
            "CREATE INDEX coupon_redemption_coupon ON coupon_redemption (coupon_id)",
        ]),
        Migration(version: 2, name: "collector-lag-and-release", statements: [
            // The lane's own oldest unacknowledged event (ms), as it said at the last contact:
            // `status` tells how many minutes head office is behind from it.
            "ALTER TABLE lane_cursor ADD COLUMN lane_oldest_unacknowledged_at bigint",
            // When staff released the lane from the quarantine this evidence caused (`lanes release`).
            "ALTER TABLE quarantine_evidence ADD COLUMN released_at timestamptz",
        ]),
    ]

    /// The newest schema version this program knows.
    public static var newestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies the migrations the database lacks, each in its own transaction, under an advisory
    /// lock so two `migrate` runs cannot interleave. Returns the versions applied.
    @discardableResult
    public static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(7242001)", logger: logger)
            do {
                let applied = try await apply(connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(7242001)", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(7242001)", logger: logger)
                throw error
            }
        }
    }

    public struct TooNew: Error, CustomStringConvertible {
        public let databaseVersion: Int
        public var description: String {
            "the database is at schema version \(databaseVersion), newer than this kiosk-hq knows (\(HeadOfficeSchema.newestVersion)); upgrade kiosk-hq"
        }
    }

    public struct NotMigrated: Error, CustomStringConvertible {
        public let databaseVersion: Int
        public var description: String {
            "the database is at schema version \(databaseVersion), this kiosk-hq needs \(HeadOfficeSchema.newestVersion): run kiosk-hq migrate"
        }
    }

    private static func apply(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migration (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        let current = try await version(connection, logger: logger)
        guard current <= newestVersion else { throw TooNew(databaseVersion: current) }
        var applied: [Int] = []
        for migration in migrations where migration.version > current {
            try await connection.withTransaction(logger: logger) { tx in
                for statement in migration.statements {
                    try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await tx.query("INSERT INTO schema_migration (version, name) VALUES (\(migration.version), \(migration.name))",
                                   logger: logger)
            }
            applied.append(migration.version)
        }
        return applied
    }

    static func version(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM schema_migration", logger: logger)
        for try await version in rows.decode(Int.self) { return version }
        return 0
    }

    /// Refuses to work on a database that `migrate` has not brought to this program's version.
    public static func requireCurrent(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            let exists = try await connection.query("SELECT to_regclass('schema_migration') IS NOT NULL", logger: logger)
            var present = false
            for try await value in exists.decode(Bool.self) { present = value }
            let current = present ? try await version(connection, logger: logger) : 0
            if current > newestVersion { throw TooNew(databaseVersion: current) }
            if current < newestVersion { throw NotMigrated(databaseVersion: current) }
        }
    }
}
