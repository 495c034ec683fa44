import Foundation
import Logging
import PostgresNIO

/// `kiosk-hq lanes add|list|remove`: the enrolled lanes, in PostgreSQL.
public struct LaneRegistry: Sendable {
    let db: PostgresHandle

    public init(_ db: PostgresHandle) {
        self.db = db
    }

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case alreadyEnrolled(String)
        case notEnrolled(String)
        /// A row that no longer reads as what `add` checked (edited by hand).
        case unreadable(String)
        public var description: String {
            switch self {
            case .alreadyEnrolled(let id): return "lane \(id) is already enrolled"
            case .notEnrolled(let id): return "no enrolled lane \(id)"
            case .unreadable(let id): return "lane \(id): its enrolment row is not valid any more (address or credential edited by hand)"
            }
        }
    }

    /// Enrols a lane, its cursor at 0. A lane removed earlier is not enrolled again under the same
    /// id: its collected history stays its own.
    public func add(_ lane: EnrolledLane) async throws {
        let (token, certificate, key): (String?, String?, String?)
        switch lane.credential {
        case .tokenFile(let path): (token, certificate, key) = (path, nil, nil)
        case .clientCertificate(let c, let k): (token, certificate, key) = (nil, c, k)
        }
        try await db.transaction { tx in
            let inserted = try await tx.query("""
                INSERT INTO lane (id, store, public_key, address, token_file, client_certificate_file, client_key_file, ca_file, time_zone)
                VALUES (\(lane.id), \(lane.store), \(ByteBuffer(bytes: lane.publicKey)), \(lane.address.absoluteString), \(token),
                        \(certificate), \(key), \(lane.caFile), \(lane.timeZone))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: db.logger)
            var count = 0
            for try await _ in inserted { count += 1 }
            guard count == 1 else { throw Problem.alreadyEnrolled(lane.id) }
            try await tx.query("INSERT INTO lane_cursor (lane) VALUES (\(lane.id))", logger: db.logger)
        }
    }

    /// Stops collecting from a lane; everything collected from it stays.
    public func remove(_ id: String) async throws {
        let rows = try await db.client.query("UPDATE lane SET removed_at = now() WHERE id = \(id) AND removed_at IS NULL RETURNING id",
                                          logger: db.logger)
        var count = 0
        for try await _ in rows { count += 1 }
        guard count == 1 else { throw Problem.notEnrolled(id) }
    }

    /// The lanes being collected, by store and id.
    public func active() async throws -> [EnrolledLane] {
        let rows = try await db.client.query("""
            SELECT id, store, public_key, address, token_file, client_certificate_file, client_key_file, ca_file, time_zone
            FROM lane WHERE removed_at IS NULL ORDER BY store, id
            """, logger: db.logger)
        var lanes: [EnrolledLane] = []
        for try await (id, store, key, address, token, certificate, clientKey, ca, zone)
            in rows.decode((String, String, ByteBuffer, String, String?, String?, String?, String?, String).self) {
            let credential: EnrolledLane.Credential
            if let token {
                credential = .tokenFile(token)
            } else if let certificate, let clientKey {
                credential = .clientCertificate(certificate: certificate, key: clientKey)
            } else {
                throw Problem.unreadable(id)
            }
            guard let url = URL(string: address) else { throw Problem.unreadable(id) }
            lanes.append(EnrolledLane(checkedID: id, store: store, publicKey: Array(buffer: key), address: url, credential: credential,
                                      caFile: ca, timeZone: zone))
        }
        return lanes
    }
}
