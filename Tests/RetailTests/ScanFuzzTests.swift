import KioskTestSupport
import Testing
import Retail

/// Random and mutated scans (a million in scripts/fuzz) through the whole interpreter (every kind: GTINs, in-store
/// codes of every preset layout, member cards, wallet codes, coupons, staff badges, GS1 element
/// strings and Digital Links, noise): it must never crash, every error must say something and
/// point inside the input, and whatever is understood must be consistent with the input.
@Suite struct ScanFuzzTests {
    typealias Random = GS1FuzzTests.Random

    /// The last store relaxed every GS1 rule it may (scanners without AIM identifiers).
    static let interpreters: [ScanInterpreter] = [VariableMeasureLayout.default, .de, .uk, .cn].map {
        ScanInterpreter(currency: cny, layout: $0, couponVerifier: LengthVerifier(), relaxations: $0 == .cn
            ? GS1Relaxations(elementStringsWithoutIdentifier: true, bracketedFromScanner: true, digitalLinkShortNames: true) : .none)
    }
    static let aims = ["", "", "", "", "]E0", "]E0", "]E4", "]I1", "]C0", "]Q1", "]d1", "]X", "]"]
    static let digits = Array("0123456789".utf8)

    static func digitString(_ r: inout Random, _ count: Int) -> [UInt8] { (0..<count).map { _ in r.pick(digits) } }

    static func gtinLike(_ r: inout Random) -> [UInt8] {
        let length = r.pick([8, 12, 13, 14, 13, 13, 7, 11, 15])
        var body = digitString(&r, max(1, length - 1))
        if r.chance(30) { body[0] = r.pick(Array("0224".utf8)) }
        let text = GTIN.appendingCheckDigit(String(decoding: body, as: UTF8.self))
        return Array(text.utf8)
    }

    static func inStore(_ r: inout Random, _ layout: VariableMeasureLayout) -> [UInt8] {
        let rule = r.pick(layout.rules)
        var body = Array(rule.prefix.utf8) + digitString(&r, rule.itemDigits)
        if rule.priceCheckDigit { body.append(48) }
        body += [UInt8](repeating: 48, count: rule.valueDigits)
        let key = try! GTIN(GTIN.appendingCheckDigit(String(decoding: body, as: UTF8.self)))
        let code = layout.code(key: key, value: Int64(r.below(rule.valueDigits == 4 ? 10_000 : 100_000)))!
        return Array(code.utf8)
    }

    static func walletLike(_ r: inout Random) -> [UInt8] {
        let length = r.pick([18, 18, 16, 17, 19, 20, 24, 25, 15])
        var code = digitString(&r, length)
        let prefix = r.pick(["10", "13", "15", "16", "25", "28", "30", "31", "24"])
        code.replaceSubrange(0..<2, with: Array(prefix.utf8))
        return code
    }

    static func couponLike(_ r: inout Random) -> [UInt8] {
        var fields = ["id=" + r.pick(["A", "SPRING-0042", "x_1", "", "A B", String(repeating: "Z", count: 33)])]
        switch r.below(4) {
        case 0: fields.append("off=\(r.below(100_000))")
        case 1: fields.append("pct=\(r.below(120))")
        case 2: fields.append("off=\(r.below(1000));pct=\(r.below(100))")
        default: break
        }
        if r.chance(70) { fields.append("cur=" + r.pick(["CNY", "CNY", "USD", "cny", "CN"])) }
        if r.chance(30) { fields.append("min=\(r.below(50_000))") }
        if r.chance(30) {
            fields.append("gtin=" + (0..<(1 + r.below(3))).map { _ in String(decoding: gtinLike(&r), as: UTF8.self) }.joined(separator: ","))
        }
        if r.chance(40) { fields.append("from=\(r.below(2_000_000_000))") }
        if r.chance(90) { fields.append("until=\(r.below(2_000_000_000))") }
        if r.chance(5) { fields.append(r.pick(["x=1", "", "id=B", "until"])) }
        var payload = fields.joined(separator: ";")
        if r.chance(20) {
            var bytes = Array(payload.utf8)
            GS1FuzzTests.mutate(&bytes, &r)
            payload = String(decoding: bytes, as: UTF8.self)
        }
        var code = Array(fakeSigned(payload).utf8)
        if r.chance(30) { GS1FuzzTests.mutate(&code, &r) }
        return code
    }

    static func badgeLike(_ r: inout Random) -> [UInt8] {
        var code = Array((r.pick(["STAFF:", "STAFF-", "STAFF", "staff:"]) + String(r.below(100_000))).utf8)
        if r.chance(40) { GS1FuzzTests.mutate(&code, &r) }
        return code
    }

    /// One generated input of category `category` (0..<20, weighted by how often each comes).
    static func generate(_ r: inout Random, category: Int, layout: VariableMeasureLayout) -> [UInt8] {
        switch category {
        case 0, 1, 2, 3: return Array(r.pick(aims).utf8) + gtinLike(&r)
        case 4, 5, 6: return inStore(&r, layout)
        case 7, 8: return Array(r.pick(aims).utf8) + walletLike(&r)
        case 9, 10, 11: return couponLike(&r)
        case 12: return badgeLike(&r)
        case 13, 14: return GS1FuzzTests.elementString(&r)
        case 15: return GS1FuzzTests.bracketed(&r)
        case 16, 17: return GS1FuzzTests.digitalLink(&r)
        default: return (0..<r.below(40)).map { _ in UInt8(r.below(256)) }
        }
    }

    /// A corpus of generated inputs per layout and category: the million inputs are drawn from
    /// it and mutated (generating every input afresh costs more than interpreting it).
    static func corpus(seed: UInt64, perCategory: Int) -> [[[[UInt8]]]] {
        var r = Random(seed: seed)
        return interpreters.map { interpreter in
            (0..<20).map { category in (0..<perCategory).map { _ in generate(&r, category: category, layout: interpreter.layout) } }
        }
    }

    static func input(_ r: inout Random, _ corpus: [[[UInt8]]], round: Int) -> String {
        let category = round % 20
        var bytes = r.pick(corpus[category])
        if r.chance(category < 18 ? 35 : 0) { GS1FuzzTests.mutate(&bytes, &r) }
        if r.chance(5) { bytes += r.pick([[13, 10], [10], [13]]) }
        return r.chance(5) ? GS1FuzzTests.unicode(bytes, &r) : String(decoding: bytes, as: UTF8.self)
    }

    /// Checks one interpretation; returns a problem (or nil) and what was understood (nil for an error).
    static func check(_ text: String, _ interpreter: ScanInterpreter) -> (String?, ScanMeaning?) {
        let meaning: ScanMeaning
        do {
            meaning = try interpreter.interpret(text)
        } catch {
            if error.description.isEmpty { return ("empty error", nil) }
            // Errors go to logs and to the page: a wallet code's digits never appear in one.
            if let leaked = longDigitRuns(text).first(where: { error.description.contains($0) }) {
                return ("error shows \(leaked.count) digits of the input: \(error)", nil)
            }
            switch error {
            case .gs1(let e) where !(1...max(1, text.count)).contains(e.position):
                return ("GS1 position \(e.position) outside \(text.count) characters: \(e)", nil)
            case .coupon(let e) where !(1...max(1, text.utf8.count)).contains(e.position):
                return ("coupon position \(e.position) outside \(text.utf8.count) bytes: \(e)", nil)
            default: return (nil, nil)
            }
        }
        return (consistency(meaning, text, interpreter), meaning)
    }

    /// Whether what was understood agrees with the input; a problem, or nil.
    static func consistency(_ meaning: ScanMeaning, _ text: String, _ interpreter: ScanInterpreter) -> String? {
        var code = Substring(text)
        while let last = code.last, last.isNewline { code = code.dropLast() }
        if code.hasPrefix("]"), code.utf8.count >= 3, !code.dropFirst(3).hasPrefix("KC1.") { code = code.dropFirst(3) }
        let layout = interpreter.layout
        switch meaning {
        case .item(let gtin):
            guard (try? GTIN(code)) == gtin else { return "item \(gtin) from \(code)" }
            if layout.rule(for: gtin) != nil { return "in-store code \(gtin) read as an item" }
        case .embeddedPrice(let key, let price):
            guard let rule = layout.rule(for: key), rule.measure == .price, layout.value(key, rule) == 0, price.minorUnits >= 0,
                  layout.code(key: key, value: price.minorUnits) == String((try? GTIN(code))?.digits.dropFirst() ?? "")
            else { return "embedded price \(key) \(price) from \(code)" }
        case .embeddedWeight(let key, let grams):
            guard let rule = layout.rule(for: key), rule.measure == .weight, layout.value(key, rule) == 0, grams >= 0
            else { return "embedded weight \(key) \(grams) from \(code)" }
        case .memberCard(let number):
            guard number.hasPrefix("04"), number.utf8.count == 13 else { return "member \(number)" }
        case .gs1Item:
            break
        case .walletPayment(let wallet):
            guard wallet.authCode == String(code), (16...24).contains(code.utf8.count), wallet.masked.hasSuffix(code.suffix(4))
            else { return "wallet \(wallet) from \(code)" }
        case .coupon(let coupon):
            // Whatever is accepted can be written again, and reads back the same.
            let again = try? interpreter.interpret(fakeSigned(SignedCoupon.payload(for: coupon)))
            guard again == .coupon(coupon), !coupon.id.isEmpty, coupon.validUntil >= (coupon.validFrom ?? 0)
            else { return "coupon \(coupon) from \(text)" }
        case .staffBadge(let badge):
            guard (1...16).contains(badge.utf8.count), text.contains(badge) else { return "badge \(badge) from \(text)" }
        }
        return nil
    }

    static let corpus = corpus(seed: 0x5CA4_F022, perCategory: 400)

    /// One input: which interpreter (by layout) and the scan.
    static func make(_ r: inout Random) -> (interpreter: Int, text: String) {
        let which = r.below(interpreters.count)
        return (which, input(&r, corpus[which], round: r.below(20)))
    }

    /// A run of 15 or more digits (a wallet code's shape) in `text`, if any.
    static func longDigitRuns(_ text: String) -> [Substring] {
        text.split(whereSeparator: { !("0"..."9").contains($0) }).filter { $0.count >= 15 }
    }

    @Test func scans() async {
        // A million in scripts/fuzz.
        var understood: [String: Int] = [:]
        _ = Self.corpus.count // built before the first input, which the watchdog times
        let report = await Fuzz.run("scan interpreter", seed: 0xF022, ci: 30_000, make: Self.make, show: { $0.text.debugDescription }) { input in
            let interpreter = Self.interpreters[input.interpreter]
            let (problem, meaning) = Self.check(input.text, interpreter)
            if let problem { return .wrong(problem) }
            guard let meaning else { return .refused }
            understood[Self.kind(meaning), default: 0] += 1
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        // Every kind is reached, not only the errors.
        for kind in ["item", "embeddedPrice", "embeddedWeight", "memberCard", "gs1Item", "walletPayment", "coupon", "staffBadge"] {
            #expect(understood[kind, default: 0] > report.inputs / 1_000, "\(kind): \(understood)")
        }
    }

    static func kind(_ meaning: ScanMeaning) -> String {
        switch meaning {
        case .item: return "item"
        case .embeddedPrice: return "embeddedPrice"
        case .embeddedWeight: return "embeddedWeight"
        case .memberCard: return "memberCard"
        case .gs1Item: return "gs1Item"
        case .walletPayment: return "walletPayment"
        case .coupon: return "coupon"
        case .staffBadge: return "staffBadge"
        }
    }
}
