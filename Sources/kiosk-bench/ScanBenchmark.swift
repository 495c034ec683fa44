// kiosk-bench scan-interpret ASSETS [MIX-FILE]
//
// Scan interpretation throughput on one core, for a realistic mix of what a lane's scanners send
// (EAN-13, UPC-A, weighed in-store codes, GS1 DataMatrix with expiry, GS1 Digital Link QR codes,
// member cards, wallet payment codes, signed coupons verified with Ed25519), through the same
// `ScanInterpreter` the lane uses, built from the demo store profile. With MIX-FILE it also
// writes the inputs, one per line, for scripts/bench-reference/scan_interpret.c, which runs the
// plain-digit path (everything but GS1 and coupons) in C on the same inputs.
import Foundation
import KioskApp
import Retail

struct ScanMix {
    /// (kind, share of scans in percent).
    static let shares: [(String, Int)] = [
        ("ean13", 50), ("upca", 8), ("weighed", 10), ("gs1-datamatrix", 10), ("digital-link", 6),
        ("member", 6), ("wallet", 5), ("coupon", 5),
    ]
    static let plainDigitKinds: Set<String> = ["ean13", "upca", "weighed", "member", "wallet"]

    var inputs: [(kind: String, text: String)] = []

    init(assets: URL, count: Int) throws {
        let store = try JSONDecoder().decode(StoreProfile.self, from: Data(contentsOf: assets.appendingPathComponent("demo/store.json")))
        let catalog = try CatalogCSV(store: store).read(Data(contentsOf: assets.appendingPathComponent("demo/catalog.csv"))).items
        let signer = try CouponSigner.demo(assets: assets)
        var seeded = SeededRandom(state: 42)
        let unit = catalog.filter { $0.pricing == .unit }
        let weighed = catalog.filter { $0.pricing == .embeddedPrice }
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(seeded.below(10))) }) }
        let now = Int64(Date().timeIntervalSince1970)
        for (kind, share) in Self.shares {
            for i in 0..<(count * share / 100) {
                let text: String
                switch kind {
                case "ean13":
                    let code = unit[seeded.below(unit.count)].gtin.displayForm
                    text = i % 2 == 0 ? code : "]E0" + code
                case "upca": text = GTIN.appendingCheckDigit("0" + digits(10))
                case "weighed":
                    let item = weighed[seeded.below(weighed.count)]
                    text = store.variableMeasure.code(key: item.gtin, value: Int64(100 + seeded.below(9000)))!
                case "gs1-datamatrix":
                    let gtin = unit[seeded.below(unit.count)].gtin.digits
                    text = "]d201\(gtin)17\(27 + seeded.below(3))\(10 + seeded.below(3))\(10 + seeded.below(18))10LOT\(digits(4))\u{1D}21\(digits(8))"
                case "digital-link":
                    let gtin = unit[seeded.below(unit.count)].gtin.digits
                    text = "https://id.gs1.org/01/\(gtin)/10/LOT\(digits(3))?17=2\(7 + seeded.below(3))1231"
                case "member": text = GTIN.appendingCheckDigit("04" + digits(10))
                case "wallet": text = seeded.below(2) == 0 ? "13" + digits(16) : "28" + digits(16)
                default:
                    let coupon = Coupon(id: "B-\(i)", value: .amountOff(Money(minorUnits: 500, currency: store.currency)),
                                        minimumSpend: Money(minorUnits: 3000, currency: store.currency),
                                        validFrom: now - 3600, validUntil: now + 86_400)
                    text = try signer.sign(coupon)
                }
                inputs.append((kind, text))
            }
        }
        // Interleaved as a lane sees them, not grouped by kind.
        for i in stride(from: inputs.count - 1, to: 0, by: -1) { inputs.swapAt(i, seeded.below(i + 1)) }
    }
}

/// SplitMix64, as in the tests' KioskTestSupport (a benchmark does not depend on test targets).
struct SeededRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// 0..<n (n small: the bias of the modulo is negligible and the same on every run).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// True `percent` times in 100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    mutating func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(below(10))) }) }
}

func scanBenchmark(assets: URL, mixFile: String?) throws {
    let store = try JSONDecoder().decode(StoreProfile.self, from: Data(contentsOf: assets.appendingPathComponent("demo/store.json")))
    let interpreter = try store.scanInterpreter()
    let mix = try ScanMix(assets: assets, count: 20_000)
    if let mixFile {
        try mix.inputs.map { $0.text + "\n" }.joined().write(toFile: mixFile, atomically: true, encoding: .utf8)
    }
    // Every input must be understood: a benchmark of error paths would flatter nothing.
    var understood = 0
    for input in mix.inputs where (try? interpreter.interpret(input.text)) != nil { understood += 1 }
    guard understood == mix.inputs.count else {
        let bad = mix.inputs.first { (try? interpreter.interpret($0.text)) == nil }!
        fatalError("benchmark input not understood: \(bad.kind) \(bad.text)")
    }

    /// Seconds for `rounds` passes over `texts`, best of 5.
    func time(_ texts: [String], rounds: Int) -> Double {
        var best = Double.infinity
        var sink = 0
        for _ in 0..<5 {
            let start = monotonicNanoseconds()
            for _ in 0..<rounds {
                for text in texts {
                    if case .item = try? interpreter.interpret(text) { sink &+= 1 }
                }
            }
            best = min(best, Double(monotonicNanoseconds() - start) / 1e9)
        }
        if sink == -1 { print(sink) }
        return best
    }

    let all = mix.inputs.map(\.text)
    let rounds = 10
    let seconds = time(all, rounds: rounds)
    let scans = Double(all.count * rounds)
    var perKind: [String] = []
    for (kind, _) in ScanMix.shares {
        let texts = mix.inputs.filter { $0.kind == kind }.map(\.text)
        let kindSeconds = time(texts, rounds: kind == "coupon" ? 1 : rounds)
        perKind.append(String(format: "%@ %.2f us", kind, kindSeconds * 1e6 / Double(texts.count * (kind == "coupon" ? 1 : rounds))))
    }
    let plain = mix.inputs.filter { ScanMix.plainDigitKinds.contains($0.kind) }.map(\.text)
    let plainSeconds = time(plain, rounds: rounds)
    print(String(format: "scan-interpret: %d inputs x %d rounds, one core: %.0f scans/s (%.2f us/scan); plain-digit path %d inputs: %.0f scans/s (%.3f us/scan)",
                 all.count, rounds, scans / seconds, seconds * 1e6 / scans, plain.count,
                 Double(plain.count * rounds) / plainSeconds, plainSeconds * 1e6 / Double(plain.count * rounds)))
    print("  per kind: " + perKind.joined(separator: ", "))
}
