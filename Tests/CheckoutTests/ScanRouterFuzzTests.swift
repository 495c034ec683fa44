import Checkout
import KioskTestSupport
import Retail
import Testing

/// Scanner data, as any scanner (or anyone with a printed code) can send it, through the router
/// the lane uses: every input gets a route, and what is shown or journaled of it is safe to show.
@Suite struct ScanRouterFuzzTests {
    static let router = ScanRouter(interpreter: ScanInterpreter(currency: cny))
    static let catalog = Dictionary(uniqueKeysWithValues: [Items.apple, Items.milk, Items.beer, Items.bananas].map { ($0.gtin, $0) })
    static let seeds: [[UInt8]] = [
        Items.apple.gtin.digits, Items.milk.gtin.digits, "2000010012341", "2000010000004", memberCard, "134567890123456789",
        "284567890123456789012", "STAFF:1234", "010690000000001" + "7" + "3922" + "0350", "]C1010690000000001" + "7\u{1D}10AB",
        "https://id.gs1.org/01/0" + Items.apple.gtin.digits, "KC1.aWQ9QQ.c2ln", "(01)0" + Items.apple.gtin.digits, "",
    ].map { Array($0.utf8) }
    static let symbologies: [String?] = [nil, nil, "]E0", "]C1", "]C0", "]Q1", "]Q3", "]d2", "]e0", "]", "]X\u{0}", "]E0]C1"]

    static func make(_ r: inout SplitMix64) -> (data: String, symbology: String?) {
        var bytes = r.pick(seeds)
        if r.chance(70) { Mutation.mutate(&bytes, &r, tokens: seeds, others: seeds) }
        return (String(decoding: bytes, as: UTF8.self), r.pick(symbologies))
    }

    /// Digit runs long enough to be a wallet payment code (a bearer credential).
    static func walletLikeRuns(_ text: String) -> [Substring] {
        text.split(whereSeparator: { !("0"..."9").contains($0) }).filter { $0.count >= 15 }
    }

    static func check(_ data: String, _ symbology: String?) -> Fuzz.Verdict {
        let route = router.route(data, symbology: symbology, lookup: { catalog[$0] })
        guard route == router.route(data, symbology: symbology, lookup: { catalog[$0] }) else { return .wrong("not deterministic") }
        switch route {
        case .event(.scanRejected(let code, let reason, _)):
            if code.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) || code.count > 65 {
                return .wrong("shown code \(code.debugDescription) is not printable and bounded")
            }
            if reason.isEmpty { return .wrong("no reason") }
            // The reason shows no more of a wallet-like run than the shown code does (masking the shown
            // code itself is the rejected-scan masking's rule, tested with it).
            if let leaked = walletLikeRuns(data).first(where: { reason.contains($0) && !code.contains($0) }) {
                return .wrong("the reason shows \(leaked.count) digits of the scan: \(reason)")
            }
            return .refused
        case .event(.itemScanned(let item, let price)):
            guard catalog[item.gtin] == item, price.map({ $0.minorUnits > 0 && $0.currency == cny }) ?? (item.pricing == .unit)
            else { return .wrong("item \(item.gtin) at \(String(describing: price))") }
        case .event(.walletCodeScanned(let wallet)):
            guard let code = wallet.authCode, (16...24).contains(code.count), data.contains(code), !wallet.masked.contains(code)
            else { return .wrong("wallet \(wallet)") }
        case .event(.memberCardScanned(let number)):
            guard number.hasPrefix("04"), number.count == 13 else { return .wrong("member \(number)") }
        case .event(let other): return .wrong("scan routed to \(other)")
        case .coupon: break
        case .staffBadge(let badge):
            guard (1...16).contains(badge.count), data.contains(badge) else { return .wrong("badge \(badge)") }
        }
        return .accepted
    }

    @Test func scannerData() async {
        let report = await Fuzz.run("scan router", seed: 0x5CA4_0A7E, ci: 20_000, make: Self.make,
                                    show: { "\($0.data.debugDescription) symbology \(String(describing: $0.symbology))" }) {
            Self.check($0.data, $0.symbology)
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 20)
    }
}
