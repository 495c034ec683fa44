import GRDB

/// The journal's tables. Migrations only ever add: a lane's history is never rewritten.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-lane-journal") { db in
            // Every accepted lane event, in order. `seq` is gap-free (assigned as max + 1 in the
            // writing transaction), so head office can pull "everything after N" and notice a hole.
            // Each row chains the previous row's hash (NF525-style): an edit or deletion breaks it.
            try db.execute(sql: """
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,
                    session TEXT,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    hash BLOB NOT NULL
                );
                CREATE INDEX event_session ON event(session, seq);

                CREATE TABLE session (
                    id TEXT PRIMARY KEY,
                    started_seq INTEGER NOT NULL REFERENCES event(seq),
                    ended_seq INTEGER REFERENCES event(seq),
                    outcome TEXT
                );

                -- Written in the same transaction as the event that hands the amount to the
                -- terminal, so no byte leaves the kiosk for an attempt the journal does not know.
                CREATE TABLE payment_attempt (
                    id TEXT PRIMARY KEY,
                    session TEXT NOT NULL,
                    amount INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('requested', 'approved', 'declined', 'unknown')),
                    reference TEXT,
                    requested_seq INTEGER NOT NULL REFERENCES event(seq),
                    resolved_seq INTEGER REFERENCES event(seq)
                );

                CREATE TABLE sale (
                    id TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL UNIQUE REFERENCES event(seq),
                    completed_at INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    subtotal INTEGER NOT NULL,
                    total INTEGER NOT NULL,
                    item_count INTEGER NOT NULL,
                    member TEXT,
                    record TEXT NOT NULL
                );
                CREATE TABLE sale_line (
                    sale_id TEXT NOT NULL REFERENCES sale(id),
                    line_no INTEGER NOT NULL,
                    gtin TEXT NOT NULL,
                    name TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    unit_price INTEGER NOT NULL,
                    amount INTEGER NOT NULL,
                    tax_code TEXT NOT NULL,
                    PRIMARY KEY (sale_id, line_no)
                );
                CREATE TABLE sale_discount (
                    sale_id TEXT NOT NULL REFERENCES sale(id),
                    gtin TEXT NOT NULL,
                    promotion TEXT NOT NULL,
                    amount INTEGER NOT NULL
                );
                CREATE TABLE sale_tax (
                    sale_id TEXT NOT NULL REFERENCES sale(id),
                    tax_code TEXT NOT NULL,
                    basis_points INTEGER NOT NULL,
                    gross INTEGER NOT NULL,
                    tax INTEGER NOT NULL,
                    PRIMARY KEY (sale_id, tax_code)
                );
                CREATE TABLE sale_payment (
                    sale_id TEXT PRIMARY KEY REFERENCES sale(id),
                    attempt_id TEXT NOT NULL REFERENCES payment_attempt(id),
                    tender TEXT NOT NULL,
                    reference TEXT NOT NULL,
                    amount INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-coupons-and-wallets") { db in
            try db.execute(sql: """
                -- A coupon id redeemed on this lane: written in the same transaction as the sale that
                -- used it (coupons applied in carts that were cancelled or abandoned do not count).
                -- The key refuses a second redemption of the same id, across restarts.
                CREATE TABLE coupon_redemption (
                    coupon_id TEXT PRIMARY KEY,
                    sale_id TEXT NOT NULL REFERENCES sale(id),
                    seq INTEGER NOT NULL REFERENCES event(seq),
                    amount INTEGER NOT NULL
                );
                -- Which wallet and which (masked) payment code an attempt charged; NULL for the card
                -- terminal. The full code is never stored.
                ALTER TABLE payment_attempt ADD COLUMN wallet TEXT;
                """)
        }
        migrator.registerMigration("v3-wire-format-v1") { db in
            try db.execute(sql: """
                -- What the lane looked like after each event (LaneSummary, JSON): restore checks its
                -- replay against it. NULL in rows written before wire format v1.
                ALTER TABLE event ADD COLUMN after TEXT;
                -- Each paper receipt the lane set out to print, from the sale's event until it came
                -- out. 'missed' ones print again once the printer is back, after a restart too.
                -- Sales recorded before this table existed have no row.
                CREATE TABLE receipt (
                    sale_id TEXT PRIMARY KEY REFERENCES sale(id),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'printed', 'missed')),
                    requested_seq INTEGER NOT NULL REFERENCES event(seq),
                    done_seq INTEGER REFERENCES event(seq)
                );
                """)
        }
        migrator.registerMigration("v4-proving-journal") { db in
            try db.execute(sql: """
                -- What the event wrote to the derived tables (JournalWrite, JSON array), covered by
                -- the event's hash: editing a sale row is detected by rebuilding the tables from
                -- these. NULL when the event wrote nothing, and in rows written before this column.
                ALTER TABLE event ADD COLUMN writes TEXT;
                -- The chain head signed with the lane's key, after every sale and administrative
                -- event and whenever head office pulls. A signed head beyond the journal's end
                -- means the tail was cut off.
                CREATE TABLE signed_head (
                    seq INTEGER PRIMARY KEY,
                    lane TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    signature BLOB NOT NULL
                );
                -- Coupon ids redeemed on other lanes (head office said so): refused here.
                CREATE TABLE coupon_blocked (
                    coupon_id TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL REFERENCES event(seq)
                );
                -- Head office's acknowledgements: it stored everything up to acknowledged_seq.
                CREATE TABLE acknowledgement (
                    seq INTEGER PRIMARY KEY REFERENCES event(seq),
                    acknowledged_seq INTEGER NOT NULL,
                    acknowledged_hash BLOB NOT NULL
                );
                -- The signed head up to which the chain was verified when the kiosk last started:
                -- the next start verifies from there (a year of sales must not slow start-up).
                CREATE TABLE start_check (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    seq INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }
}
