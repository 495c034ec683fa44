import Foundation
import PostgresNIO
import Retail

/// The reports, read from head office's sales tables. Each returns a plain value (`DailyReport`,
/// `HourlyReport`, ...) that `ReportFormat.render` turns into a table, CSV, JSON or a page, and
/// that tests and other code can compare to the cent.
///
/// A report reads the sales of one day in one PostgreSQL statement, so a collector storing
/// pages meanwhile never makes its figures disagree with each other.
public struct HeadOfficeReports: Sendable {
    let db: PostgresHandle

    public init(_ db: PostgresHandle) {
        self.db = db
    }

    /// The report's scope, checked: a store must have had a lane enrolled, and without a date the
    /// day is `ReportDate.newestEndedDay` of the stores reported on.
    public func scope(date: ReportDate?, store: String?, now: Date = Date()) async throws -> ReportScope {
        if let store, !EnrolledLane.isName(store) { throw ReportProblem.badStore(store) }
        let rows = try await db.client.query("""
            SELECT DISTINCT time_zone FROM lane WHERE \(store)::text IS NULL OR store = \(store)::text
            """, logger: db.logger)
        var zones: [TimeZone] = []
        for try await name in rows.decode(String.self) {
            guard let zone = TimeZone(identifier: name) else { throw ReportProblem.unknownTimeZone(name) }
            zones.append(zone)
        }
        guard let newest = ReportDate.newestEndedDay(at: now, in: zones) else {
            throw store.map(ReportProblem.unknownStore) ?? ReportProblem.noLanes
        }
        return ReportScope(date: date ?? newest, store: store)
    }

    func rows<each Column: PostgresDecodable & Sendable>(_ query: PostgresQuery, as _: (repeat each Column).Type) async throws
        -> [(repeat each Column)] {
        var result: [(repeat each Column)] = []
        for try await row in try await db.client.query(query, logger: db.logger).decode((repeat each Column).self) {
            result.append(row)
        }
        return result
    }
}

extension Currency {
    /// A currency as a sale row stores it.
    init(code: String, minorDigits: Int16) {
        self.init(code: code, minorDigits: Int(minorDigits))
    }
}
