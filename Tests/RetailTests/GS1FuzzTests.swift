import KioskTestSupport
import Testing
import Retail

/// Random and mutated inputs: the parsers must never crash, every error must point inside the
/// input, and whatever parses must parse again, identically, from its bracketed rendering.
@Suite struct GS1FuzzTests {
    /// The shared seeded generator: the same inputs on every run.
    typealias Random = SplitMix64

    static let validElements = [
        "0109506000134352", "17261231", "15261200", "10ABC123", "21XYZ-9", "3103000500", "39221234", "3932978199",
        "8005000250", "422156", "7003261231235", "800826123123", "30" + "12", "2405", "9123", "90INT",
        "8110" + "1061414112345631501100003261231", "8112" + "001234561234560123456", "414" + "9506000000008",
        "254" + "A1", "00" + "106141411234567897", "8013" + "1987654Ad4X4bL5ttr2310c2K", "8200" + "http://a.b/c(d)",
    ]
    static let aims = ["]C1", "]d2", "]Q3", "]e0", "", "", "]E0", "]", "]C"]
    static let digits = Array("0123456789".utf8)
    static let set82 = Array(#"!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"#.utf8)

    /// An element with a random AI from the table and random data of about the right shape.
    static func randomElement(_ r: inout Random) -> [UInt8] {
        if r.chance(60) { return Array(r.pick(validElements).utf8) }
        let entry = r.pick(GS1ApplicationIdentifier.table)
        var ai = entry.ai
        if entry.decimals != nil, r.chance(10) { ai = String(ai.dropLast()) + String(r.below(10)) }
        let range = entry.lengthRange
        let length = r.chance(80) ? range.lowerBound + r.below(range.count) : r.below(range.upperBound + 4)
        let alphabet = entry.components.first?.characters == .digits && r.chance(90) ? digits : set82
        return Array(ai.utf8) + (0..<length).map { _ in r.pick(alphabet) }
    }

    static func mutate(_ input: inout [UInt8], _ r: inout Random) {
        for _ in 0..<r.below(4) {
            let at = r.below(input.count + 1)
            switch r.below(7) {
            case 0: input = Array(input.prefix(at))                                   // truncate
            case 1: input.insert(29, at: at)                                           // insert GS
            case 2: input.insert(UInt8(r.below(256)), at: at)                          // random byte
            case 3: if at < input.count { input.remove(at: at) }                       // delete
            case 4: if at < input.count { input[at] = r.pick(digits) }                 // change a digit
            case 5: input.insert(contentsOf: input[at...].prefix(r.below(6)), at: at)  // repeat a slice
            default: if at < input.count { input[at] = r.pick(set82) }                 // change a character
            }
        }
    }

    static func elementString(_ r: inout Random) -> [UInt8] {
        var bytes = Array(r.pick(aims).utf8)
        // Most real scans lead with a GTIN, and most other AIs need one.
        if r.chance(60) { bytes += Array("0109506000134352".utf8) }
        for _ in 0..<(1 + r.below(5)) {
            let element = randomElement(&r)
            bytes += element
            if r.chance(70) { bytes.append(29) }
        }
        if r.chance(60) { mutate(&bytes, &r) }
        return bytes
    }

    static func bracketed(_ r: inout Random) -> [UInt8] {
        var bytes: [UInt8] = r.chance(60) ? Array("(01)09506000134352".utf8) : []
        for _ in 0..<(1 + r.below(5)) {
            let element = randomElement(&r)
            let split = element.starts(with: Array("8".utf8)) || element.starts(with: Array("7".utf8)) ? 4 : 2
            bytes += Array("(".utf8) + element.prefix(split) + Array(")".utf8) + element.dropFirst(split)
        }
        if r.chance(80) { mutate(&bytes, &r) }
        return bytes
    }

    static func digitalLink(_ r: inout Random) -> [UInt8] {
        var url = r.pick(["https://id.gs1.org", "http://example.com:8080", "HTTPS://A.B", "https://", "ftp://x", "]Q1https://q.r"])
        url += r.pick(["", "/shop", "/a/b/c", "/01", "/%41"])
        url += r.pick(["/01/09506000134352", "/01/9506000134352", "/gtin/09506000134352", "/00/106141411234567897",
                       "/414/9506000000008", "/8006/095060001343520102", "/01/0950600013435X", "/89/1"])
        for q in ["/22/V1", "/10/AB%2FC", "/21/S1", "/235/T", "/254/X", "/10/%zz"] where r.chance(25) { url += q }
        var separator = "?"
        for q in ["17=261231", "3103=000500", "3922=1234", "linktype=all", "10=Q", "21=1", "8200=x", "99=%41", "exp=261200", "=", "&"]
            where r.chance(25) {
            url += separator + q
            separator = "&"
        }
        if r.chance(10) { url += "#frag" }
        var bytes = Array(url.utf8)
        if r.chance(70) { mutate(&bytes, &r) }
        return bytes
    }

    /// A String with some multi-byte characters, so positions must count characters.
    static func unicode(_ bytes: [UInt8], _ r: inout Random) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if r.chance(50), !text.isEmpty {
            let at = text.index(text.startIndex, offsetBy: r.below(text.count))
            text.insert(contentsOf: r.pick(["é", "中", "€", "🛒", "\u{1D}"]), at: at)
        }
        return text
    }

    /// What an input is fed to.
    enum Parser { case elementString, elementText, bracketed, digitalLink, noise }

    /// An input: bytes for the byte parsers (invalid UTF-8 included), text for the others.
    struct Input { let parser: Parser, bytes: [UInt8], text: String }

    static func make(_ r: inout Random) -> Input {
        func bytes(_ parser: Parser, _ bytes: [UInt8]) -> Input { Input(parser: parser, bytes: bytes, text: "") }
        func text(_ parser: Parser, _ text: String) -> Input { Input(parser: parser, bytes: Array(text.utf8), text: text) }
        switch r.below(8) {
        case 0, 1, 2: return bytes(.elementString, elementString(&r))
        case 3: return text(.elementText, unicode(elementString(&r), &r))
        case 4: return bytes(.bracketed, bracketed(&r))
        case 5, 6: return bytes(.digitalLink, digitalLink(&r))
        // Pure noise, as a badly configured wedge scanner might type it.
        default: return text(.noise, unicode((0..<r.below(40)).map { _ in UInt8(r.below(256)) }, &r))
        }
    }

    static func check(_ parser: Parser, _ text: String, bytes: [UInt8]) -> Fuzz.Verdict {
        let length = parser == .elementText || parser == .noise ? text.count : bytes.count
        func elements(_ elements: [GS1Element]) -> Fuzz.Verdict {
            for e in elements where !(1...length).contains(e.position) || e.value.isEmpty {
                return .wrong("element \(e) at \(e.position) of \(length)")
            }
            return .accepted
        }
        func refused(_ error: any Error) -> Fuzz.Verdict {
            guard let error = error as? GS1Error else { return .wrong("untyped error \(error)") }
            return (1...max(1, length)).contains(error.position) ? .refused : .wrong("position \(error.position) of \(length) in \(error)")
        }
        do {
            switch parser {
            case .elementString:
                let result = try GS1ElementString.parse(bytes: bytes)
                if case .wrong(let why) = elements(result.elements) { return .wrong(why) }
                // Round trip through the bracketed form, "(" escaped.
                let again = try? GS1ElementString.parse(result.elements.map {
                    "(\($0.ai))" + $0.value.split(separator: "(", omittingEmptySubsequences: false).joined(separator: "\\(")
                }.joined())
                return again?.elements.map(\.description) == result.elements.map(\.description) ? .accepted : .wrong("round trip")
            case .elementText: return elements(try GS1ElementString.parse(text).elements)
            case .bracketed: return elements(try GS1ElementString.parse(bytes: bytes).elements)
            case .digitalLink: return elements(try GS1DigitalLink.parse(bytes: bytes).elements)
            case .noise:
                var verdict = Fuzz.Verdict.refused
                for parse in [{ try GS1ElementString.parse(text).elements }, { try GS1DigitalLink.parse(text).elements }] {
                    do { verdict = elements(try parse()) } catch { verdict = refused(error) }
                    if case .wrong = verdict { return verdict }
                }
                return verdict
            }
        } catch { return refused(error) }
    }

    @Test func elementStringsAndDigitalLinks() async {
        let report = await Fuzz.run("GS1 element strings and Digital Links", seed: 0x6B69_6F73_6B21, ci: 20_000, make: Self.make,
                                    show: { "\($0.parser) \($0.bytes)" }) { input in
            Self.check(input.parser, input.text, bytes: input.bytes)
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        // The generator must reach the success paths too, not only the errors.
        #expect(report.accepted > report.inputs / 20)
    }
}
