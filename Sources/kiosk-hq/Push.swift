import ArgumentParser
import Foundation
import HeadOffice

/// `kiosk-hq push catalog|coupon-keys|staff FILE` and `push redeemed-coupons`: to every lane of a
/// store (or the lanes named).
struct Push: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Push a catalog, the coupon keys, the staff list or the redeemed coupons to lanes (each lane checks it and journals it).",
        subcommands: [Catalog.self, CouponKeys.self, Staff.self, RedeemedCoupons.self])

    struct Lanes: ParsableArguments {
        @OptionGroup var database: DatabaseOption
        @Option(help: "Every lane of this store.") var store: String?
        @Option(name: .customLong("lane"), help: "This lane (repeat for several).") var lanes: [String] = []
        @Option(help: "Lanes pushed to at once.") var concurrency = 8

        /// Sends `pushes` (in order) to the lanes chosen; one line per lane and push; exit 1 if any failed.
        func send(_ kind: LanePush.Kind, needsStoreOrLane: Bool, _ pushes: @Sendable (PostgresHandle) async throws -> [LanePush]) async throws {
            if needsStoreOrLane && store == nil && lanes.isEmpty {
                throw ValidationError("say which lanes: --store S or --lane L (a \(kind.rawValue) belongs to a store)")
            }
            let (store, lanes, concurrency) = (store, lanes, concurrency)
            let outcomes = try await database.withCurrentSchema { db in
                let enrolled = try await LaneRegistry(db).active()
                let chosen = enrolled.filter { lane in
                    (store == nil || lane.store == store) && (lanes.isEmpty || lanes.contains(lane.id))
                }
                let unknown = Set(lanes).subtracting(chosen.map(\.id))
                guard unknown.isEmpty else { throw ValidationError("not enrolled (in that store): \(unknown.sorted().joined(separator: ", "))") }
                guard !chosen.isEmpty else { throw ValidationError("no enrolled lane matches") }
                var outcomes: [LanePush.Outcome] = []
                for push in try await pushes(db) { outcomes += await push.send(to: chosen, concurrency: concurrency) }
                return outcomes
            }
            if outcomes.isEmpty { print("nothing to push") }
            var failed = 0
            for outcome in outcomes {
                switch outcome.result {
                case .success(let summary): print("\(outcome.lane)\tok\t\(summary)")
                case .failure(let error):
                    failed += 1
                    print("\(outcome.lane)\tfailed\t\(error)")
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }

        func send(file: String, _ kind: LanePush.Kind, needsStoreOrLane: Bool) async throws {
            let push: LanePush
            do { push = try LanePush(kind, file: file) } catch { throw ValidationError("\(error)") }
            try await send(kind, needsStoreOrLane: needsStoreOrLane) { _ in [push] }
        }
    }

    struct Catalog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A catalog CSV (the lane imports it and sells from it at once).")
        @OptionGroup var lanes: Lanes
        @Argument(help: "The catalog CSV, as `kiosk catalog import` reads it.") var file: String
        func run() async throws { try await lanes.send(file: file, .catalog, needsStoreOrLane: true) }
    }

    struct CouponKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "coupon-keys",
                                                        abstract: "The coupon signing public keys, {\"keys\": [{\"id\", \"publicKey\"}]} (default: every lane).")
        @OptionGroup var lanes: Lanes
        @Argument(help: "The keys, as JSON.") var file: String
        func run() async throws { try await lanes.send(file: file, .couponKeys, needsStoreOrLane: false) }
    }

    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The staff list, {\"staff\": [{\"badge\", \"name\", \"pinHash\"}]}.")
        @OptionGroup var lanes: Lanes
        @Argument(help: "The staff list, as JSON.") var file: String
        func run() async throws { try await lanes.send(file: file, .staff, needsStoreOrLane: true) }
    }

    struct RedeemedCoupons: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "redeemed-coupons",
            abstract: "Every coupon id redeemed in the chain in the last days, for the lanes to refuse from now on (default: every lane).",
            discussion: "The running `collect` service sends them itself after rounds that stored something; run this beside `collect --once`, or to send them again. A one-time coupon redeemed on one lane is then refused on every other lane that is online; one redeemed twice while lanes were offline is flagged by `report coupons`.")
        @OptionGroup var lanes: Lanes
        @Option(help: "Coupons redeemed in sales of this many last days.") var days = 30

        func validate() throws {
            guard (1...3660).contains(days) else { throw ValidationError("--days must be 1 to 3660") }
        }

        func run() async throws {
            let days = days
            try await lanes.send(.redeemedCoupons, needsStoreOrLane: false) { db in
                LanePush.redeemedCoupons(try await LanePush.recentlyRedeemedCoupons(db, days: days))
            }
        }
    }
}
