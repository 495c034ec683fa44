import ArgumentParser
import Foundation
import HeadOffice

/// `kiosk-hq push catalog|coupon-keys|staff FILE`: to every lane of a store (or the lanes named).
struct Push: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Push a catalog, the coupon keys or the staff list to lanes (each lane checks it and journals it).",
        subcommands: [Catalog.self, CouponKeys.self, Staff.self])

    struct Target: ParsableArguments {
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The file, as the lane takes it (see the README's \"What head office pushes\").") var file: String
        @Option(help: "Every lane of this store.") var store: String?
        @Option(name: .customLong("lane"), help: "This lane (repeat for several).") var lanes: [String] = []
        @Option(help: "Lanes pushed to at once.") var concurrency = 8

        func run(_ kind: LanePush.Kind, needsStoreOrLane: Bool) async throws {
            if needsStoreOrLane && store == nil && lanes.isEmpty {
                throw ValidationError("say which lanes: --store S or --lane L (a \(kind.rawValue) belongs to a store)")
            }
            let push: LanePush
            do { push = try LanePush(kind, file: file) } catch { throw ValidationError("\(error)") }
            let (store, lanes, concurrency) = (store, lanes, concurrency)
            let outcomes = try await database.withCurrentSchema { db in
                let enrolled = try await LaneRegistry(db).active()
                let chosen = enrolled.filter { lane in
                    (store == nil || lane.store == store) && (lanes.isEmpty || lanes.contains(lane.id))
                }
                let unknown = Set(lanes).subtracting(chosen.map(\.id))
                guard unknown.isEmpty else { throw ValidationError("not enrolled (in that store): \(unknown.sorted().joined(separator: ", "))") }
                guard !chosen.isEmpty else { throw ValidationError("no enrolled lane matches") }
                return await push.send(to: chosen, concurrency: concurrency)
            }
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
    }

    struct Catalog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A catalog CSV (the lane imports it and sells from it at once).")
        @OptionGroup var target: Target
        func run() async throws { try await target.run(.catalog, needsStoreOrLane: true) }
    }

    struct CouponKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "coupon-keys",
                                                        abstract: "The coupon signing public keys, {\"keys\": [{\"id\", \"publicKey\"}]} (default: every lane).")
        @OptionGroup var target: Target
        func run() async throws { try await target.run(.couponKeys, needsStoreOrLane: false) }
    }

    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The staff list, {\"staff\": [{\"badge\", \"name\", \"pinHash\"}]}.")
        @OptionGroup var target: Target
        func run() async throws { try await target.run(.staff, needsStoreOrLane: true) }
    }
}
