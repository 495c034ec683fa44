import ArgumentParser
import Foundation
import KioskApp
import Retail

/// `kiosk coupon make`: mints a signed coupon (demo and tests; head office does the same with its own key).
struct CouponCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coupon", abstract: "Signed coupons (KC1 format).", subcommands: [Make.self])

    struct Make: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a signed coupon code (put it in a QR code, or scan it with `kiosk scan`).",
            discussion: """
                Without --key it signs with the demo key (assets/demo/coupon-signing-key.DEMO-ONLY.json), \
                which only the demo store accepts. Amounts are in the store's currency.
                """)

        @Option(help: "The one-time id (1-32 letters, digits, - or _).")
        var id: String

        @Option(help: "Amount off, e.g. 5.00.")
        var off: String?

        @Option(help: "Percent off, 1 to 100.")
        var percent: Int?

        @Option(help: "Minimum spend, e.g. 30.00.")
        var min: String?

        @Option(help: "Only with (and on) this item; repeat for several.")
        var gtin: [String] = []

        @Option(help: "Valid from: YYYY-MM-DD (UTC) or Unix seconds. Default: now.")
        var from: String?

        @Option(help: "Valid until: YYYY-MM-DD (end of day, UTC) or Unix seconds. Default: --days after --from.")
        var until: String?

        @Option(help: "Days of validity when --until is not given.")
        var days = 30

        @Option(help: "Signing key file {\"keyID\", \"privateKey\"}. Default: the demo key.")
        var key: String?

        @Option(help: "Settings file, as for `kiosk run` (the store's currency and coupon keys).")
        var config: String?

        @Option(help: "The assets folder; found automatically in a checkout.")
        var assets: String?

        func run() async throws {
            var request = CouponRequest(id: id)
            request.off = off
            request.percent = percent
            request.minimumSpend = min
            request.gtins = gtin
            request.from = from
            request.until = until
            request.days = days
            do {
                let minted = try CouponMint.make(request, keyFile: key.map { URL(fileURLWithPath: $0) },
                                                 configFile: config.map { URL(fileURLWithPath: $0) }, assets: assets)
                if let warning = minted.warning { FileHandle.standardError.write(Data("kiosk: warning: \(warning)\n".utf8)) }
                print(minted.code)
            } catch let error as KioskSetupError {
                FileHandle.standardError.write(Data("kiosk: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
