import ArgumentParser
import HeadOffice

extension ReportFormat: ExpressibleByArgument {}

/// `kiosk-hq report daily|hourly|items|baskets|coupons`: the reports, from the collected sales.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reports on the collected sales, each store's day in its own time zone.",
        discussion: """
            Without --date, the day is yesterday in every store reported on (the earliest of them, so no \
            store's day is still going on). Amounts are the currency's decimal form in table, CSV and HTML, \
            and integer minor units beside their currency in JSON.
            """,
        subcommands: [Daily.self, Hourly.self, Items.self, Baskets.self, Coupons.self])

    struct Options: ParsableArguments {
        @OptionGroup var database: DatabaseOption
        @Option(help: "The store's day, YYYY-MM-DD. Default: yesterday, the newest day over in every store reported on.")
        var date: String?
        @Option(help: "Only this store. Default: every store.") var store: String?
        @Option(help: "table, csv, json or html (one self-contained page).") var format: ReportFormat = .table

        /// Checks the options, reads the report and writes it to standard output.
        func print<R: RenderableReport>(_ read: @escaping @Sendable (HeadOfficeReports, ReportScope) async throws -> R) async throws {
            let day: ReportDate?
            do { day = try date.map(ReportDate.init) } catch { throw ValidationError("\(error)") }
            let store = self.store
            let format = self.format
            let text = try await database.withCurrentSchema { db in
                let reports = HeadOfficeReports(db)
                return try format.render(try await read(reports, try await reports.scope(date: day, store: store)))
            }
            Swift.print(text, terminator: "")
        }
    }

    struct Limit: ParsableArguments {
        @Option(help: "How many rows (1 to \(ReportLimit.maximum)).") var limit = 10

        func validate() throws {
            do { _ = try ReportLimit.checked(limit) } catch { throw ValidationError("\(error)") }
        }
    }

    struct Daily: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per store and lane: sales, gross, tax per rate, tenders, discounts per promotion, coupons, average basket.")
        @OptionGroup var options: Options
        func run() async throws { try await options.print { reports, scope in try await reports.daily(scope) } }
    }

    struct Hourly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sales and gross per hour of each store's day.")
        @OptionGroup var options: Options
        func run() async throws { try await options.print { reports, scope in try await reports.hourly(scope) } }
    }

    struct Items: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Top items by quantity and by amount.")
        @OptionGroup var options: Options
        @OptionGroup var limit: Limit
        func run() async throws {
            let limit = self.limit.limit
            try await options.print { reports, scope in try await reports.items(scope, limit: limit) }
        }
    }

    struct Baskets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Items bought together: pairs in the same sale, with support and confidence.")
        @OptionGroup var options: Options
        @OptionGroup var limit: Limit
        func run() async throws {
            let limit = self.limit.limit
            try await options.print { reports, scope in try await reports.baskets(scope, limit: limit) }
        }
    }

    struct Coupons: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redemptions per coupon; a coupon redeemed twice anywhere in the chain is flagged double-redemption.")
        @OptionGroup var options: Options
        func run() async throws { try await options.print { reports, scope in try await reports.coupons(scope) } }
    }
}
