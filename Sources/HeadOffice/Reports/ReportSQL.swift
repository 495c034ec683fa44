import PostgresNIO

/// The SQL every report starts from: `scope`, the sales of the report's day on each store's own
/// calendar (the lane's time zone places each sale), with the sale's local time.
enum ReportSQL {
    /// $1: the day (YYYY-MM-DD), $2: the store or NULL. The UTC window (the day before to the day
    /// after) lets PostgreSQL use the index on completed_at; time zones span UTC-12 to UTC+14,
    /// so every store's day lies inside it. Removed lanes count: their sales happened.
    static let scope = """
        WITH scope AS (
            SELECT s.lane, s.id, s.total, s.currency, s.minor_digits, l.store,
                   s.completed_at AT TIME ZONE l.time_zone AS local_time
            FROM sale s JOIN lane l ON l.id = s.lane
            WHERE s.completed_at >= ($1::date - 1)::timestamp AT TIME ZONE 'UTC'
              AND s.completed_at < ($1::date + 2)::timestamp AT TIME ZONE 'UTC'
              AND (s.completed_at AT TIME ZONE l.time_zone)::date = $1::date
              AND ($2::text IS NULL OR l.store = $2::text)
        )

        """

    /// `scope` followed by `select`, which may use $3 for `limit`.
    static func query(_ select: String, _ scope: ReportScope, limit: Int? = nil) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(scope.date.description)
        binds.append(scope.store)
        if let limit { binds.append(limit) }
        return PostgresQuery(unsafeSQL: Self.scope + select, binds: binds)
    }
}
