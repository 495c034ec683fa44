import Foundation
import KioskTestSupport
import Testing
import Retail

/// Catalog files and store profiles come from head office or a USB stick: mutated demo files and
/// generated rows must give a value or a typed error, and whatever is accepted must hold.
@Suite struct CatalogFuzzTests {
    static let demo = repositoryRoot.appendingPathComponent("assets/demo")
    static let demoRows: [[UInt8]] = {
        let text = try! String(contentsOf: demo.appendingPathComponent("catalog.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { Array($0.utf8) }
    }()
    static let header = Array(CatalogCSV.requiredColumns.joined(separator: ",").utf8)
    static let format = CatalogCSV(currency: cny, taxCodes: ["A", "B", "Z"])
    static let csvTokens: [[UInt8]] = (CatalogCSV.requiredColumns + CatalogCSV.optionalColumns + [
        ",", "\"", "\"\"", "\n", "\r\n", "\r", ",,", "3for2", "2for1", "15%", "2.00off", "3@10.00", "A", "Z", "unit", "weight",
        "embedded-price", "18", "-1", "0.01", "99999999999.99", "100000000000.00", "\u{FEFF}",
    ]).map { Array($0.utf8) }

    /// A generated row: mostly well-formed values, sometimes odd ones.
    static func row(_ r: inout SplitMix64) -> [UInt8] {
        let body = (0..<12).map { _ in String(r.below(10)) }.joined()
        let gtin = r.chance(90) ? GTIN.appendingCheckDigit(body) : body + String(r.below(10))
        let price = r.chance(80) ? "\(r.below(1000)).\(r.below(100))" : r.pick(["", "-1", "0", "1.234", "1e3", "99999999999.99"])
        let fields = [gtin, r.pick(["Tea", "\"Noodles, beef\"", "", "\"a \"\"b\"\"\""]), r.pick(["茶", "", "面"]), price,
                      r.pick(["", "0.50", price]), r.pick(["A", "B", "Z", "Q", ""]), r.pick(["", "18", "-1", "200"]),
                      r.pick(["", "3for2", "2for1", "1for3"]), r.pick(["", "unit", "weight", "embedded-price", "x"])]
        return Array(fields.joined(separator: ",").utf8)
    }

    static func file(_ r: inout SplitMix64) -> [UInt8] {
        var bytes = r.chance(95) ? header : Array(r.pick(["gtin,price", "", "gtin,gtin,name_en"]).utf8)
        if r.chance(20) { bytes += Array(",offer,group".utf8) }
        for _ in 0..<r.below(8) {
            bytes += r.pick([[10], [13, 10], [13]])
            bytes += r.chance(50) ? r.pick(demoRows) : row(&r)
        }
        if r.chance(70) { Mutation.mutate(&bytes, &r, tokens: csvTokens, others: demoRows) }
        return bytes
    }

    /// Cut points for feeding the same bytes in pieces.
    static func cuts(_ count: Int, _ r: inout SplitMix64) -> [Int] {
        guard count > 1 else { return [] }
        return Set((0..<r.below(6)).map { _ in 1 + r.below(count - 1) }).sorted()
    }

    /// The rows the reader gives for `bytes` fed in pieces cut at `cuts`, or the file's error.
    static func rows(_ bytes: [UInt8], cuts: [Int]) -> Result<[CatalogCSV.Row], CatalogFileError> {
        var reader = CatalogCSV.Reader(format)
        return Result { () throws(CatalogFileError) in
            var rows: [CatalogCSV.Row] = []
            var start = 0
            for cut in cuts + [bytes.count] {
                rows += try reader.feed(bytes[start..<cut])
                start = cut
            }
            return rows + (try reader.finish())
        }
    }

    /// What must hold of an accepted item; nil when it does.
    static func problem(_ item: CatalogItem) -> String? {
        guard (try? GTIN(item.gtin.digits)) == item.gtin else { return "GTIN \(item.gtin) does not read again" }
        for money in [item.price] + (item.memberPrice.map { [$0] } ?? []) {
            guard (0...Money.limit).contains(money.minorUnits), money.currency == cny else { return "amount \(money) out of range" }
            guard (try? Money.parse(money.decimalString, currency: cny)) == money else { return "amount \(money) does not read again" }
        }
        guard format.taxCodes.contains(item.taxCode) else { return "tax code \(item.taxCode)" }
        guard item.minimumAge.map({ $0 >= 0 }) ?? true, !item.name.en.isEmpty else { return "item \(item)" }
        return nil
    }

    @Test func catalogFiles() async {
        let report = await Fuzz.run("catalog CSV", seed: 0xCA7A_1065, ci: 5_000, make: { r in
            let bytes = Self.file(&r)
            return (bytes, Self.cuts(bytes.count, &r))
        }, show: { "\($0.0) = \(String(decoding: $0.0, as: UTF8.self).debugDescription)" }) { input in
            let (bytes, cuts) = input
            let whole: CatalogImport
            do { whole = try Self.format.read(bytes) } catch { return .refused }
            let lines = bytes.split(omittingEmptySubsequences: false) { $0 == 10 || $0 == 13 }.count
            if let bad = whole.errors.first(where: { !(2...max(2, lines)).contains($0.line) || $0.message.isEmpty }) {
                return .wrong("error \(bad) outside lines 2...\(lines)")
            }
            for item in whole.items { if let problem = Self.problem(item) { return .wrong(problem) } }
            // In pieces, the same rows as whole.
            guard case .success(let pieces) = Self.rows(bytes, cuts: cuts), pieces == (try? Self.rows(bytes, cuts: []).get())
            else { return .wrong("rows differ when fed in pieces cut at \(cuts)") }
            return whole.items.isEmpty ? .refused : .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 4)
    }

    static let storeSeed = try! Data(contentsOf: demo.appendingPathComponent("store.json"))
    static let jsonTokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\u0000", "\\ud800", "null", "true", "\"code\"", "\"minorDigits\"", "\"basisPoints\"",
        "\"taxRates\":[]", "\"couponKeys\"", "\"variableMeasure\":\"de\"", "\"variableMeasure\":{\"rules\":[]}", "\"taxMode\":\"exclusive\"",
        "-1", "10001", "4", "\"\"",
    ].map { Array($0.utf8) }

    @Test func storeProfiles() async {
        let report = await Fuzz.run("store profile", seed: 0x5702_E000, ci: 5_000, make: { r in
            var bytes = Array(Self.storeSeed)
            if r.chance(3) { return Mutation.deepJSON(1 + r.below(20_000), object: r.chance(50)) }
            Mutation.mutate(&bytes, &r, tokens: Self.jsonTokens)
            return bytes
        }, show: { String(decoding: $0, as: UTF8.self).debugDescription }) { bytes in
            let profile: StoreProfile
            do {
                profile = try JSONDecoder().decode(StoreProfile.self, from: Data(bytes))
                try profile.validate()
            } catch { return .refused }
            // Accepted: written and read again, the same profile, still valid.
            guard let again = try? JSONDecoder().decode(StoreProfile.self, from: JSONEncoder().encode(profile)), again == profile,
                  (try? again.validate()) != nil
            else { return .wrong("does not survive a round trip") }
            guard CatalogCSV(store: profile).taxCodes.count == profile.taxRates.count else { return .wrong("tax codes") }
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 20)
    }

    @Test func amounts() async {
        let currencies = [cny, Currency(code: "JPY", minorDigits: 0), Currency(code: "KWD", minorDigits: 3)]
        let report = await Fuzz.run("money", seed: 0x30_4E37, ci: 20_000, make: { r in
            let currency = r.pick(currencies)
            let fraction = currency.minorDigits == 0 ? "" : "." + String(String(r.below(1000)).prefix(1 + r.below(currency.minorDigits)))
            var bytes = Array("\(r.chance(10) ? "-" : "")\(r.below(r.chance(90) ? 10_000_000 : 1_000_000_000_000))\(fraction)".utf8)
            if r.chance(50) { Mutation.mutate(&bytes, &r, tokens: [[0x2E], [0x2D], [0x20]]) }
            return (currency, String(decoding: bytes, as: UTF8.self))
        }, show: { "\($0.0.code) \($0.1.debugDescription)" }) { input in
            let (currency, text) = input
            guard let money = try? Money.parse(text, currency: currency) else { return .refused }
            guard abs(money.minorUnits) <= Money.limit, (try? Money.parse(money.decimalString, currency: currency)) == money
            else { return .wrong("\(money.minorUnits) out of range or not read again from \(money.decimalString)") }
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 4)
    }
}
