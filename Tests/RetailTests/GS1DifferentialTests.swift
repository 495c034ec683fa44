import Foundation
import Testing
import KioskTestSupport
import Retail

/// The kiosk against an independent judge: biip (PyPI) read 10,000 seeded scans (every AI of
/// GS1's dictionary, valid and mutated, in element strings and Digital Links) and its verdicts
/// are in Fixtures/gs1-differential.jsonl (made by scripts/gs1-differential). Where both accept,
/// they must read the same AIs and values; every other disagreement must be one of the
/// classes docs/gs1-conformance.md explains. KIOSK_GS1_DIFFERENTIAL=<file> judges another file
/// (the long run of 100,000: see the note).
@Suite struct GS1DifferentialTests {
    struct Line: Decodable {
        let input: String
        let `class`: String
        let biip: String
        let elements: [[String]]
    }

    /// Why the kiosk refuses what biip accepts: its stricter rules, by rule code (see the note).
    static let documentedStricter: Set<String> = [
        "pairing:req", "pairing:ex", "lint:gcppos1", "lint:gcppos2", "lint:iso4217", "lint:iso3166", "lint:iso3166999",
        "lint:iso3166alpha2", "lint:pcenc", "lint:yymmd0", "lint:yymmdd", "lint:hh", "lint:mi", "lint:ss", "lint:hhmi",
        "lint:pieceoftotal", "lint:nozeroprefix", "lint:nonzero", "lint:hasnondigit", "lint:yesno", "lint:hyphen",
        "lint:winding", "lint:latitude", "lint:longitude", "lint:iban", "lint:importeridx", "lint:mediatype",
        "lint:packagetype", "lint:posinseqslash", "lint:couponcode", "lint:couponposoffer", "lint:csumalpha",
        "lint:yyyymmdd", "lint:yyyymmd0", "lint:iso5218", "lint:zero", "format:Z (cset64)",
        "digital-link:qualifier-in-query", "digital-link:data-attribute", "syntax:fnc1", "format:length",
        "lint:csum", "data:empty", "carrier:not-gs1", "digital-link:uri", "syntax:ai", "format:N", "format:X (cset82)",
        "format:Y (cset39)", "digital-link:repeated-attribute", "digital-link:trailing-slash", "pairing:duplicate",
        "digital-link:qualifier-order", "carrier:leading-gs",
    ]

    /// Where biip is stricter than GS1's dictionary (see the note): it wants 5 to 30 characters
    /// in a CPID (8010), the dictionary allows a bare 4-digit GS1 Company Prefix (Y..30,gcppos1).
    static func biipStricterAsDocumented(_ elements: [GS1Element]) -> Bool {
        elements.contains { $0.ai == "8010" && $0.value.utf8.count == 4 }
    }

    static func kiosk(_ input: String) -> Result<[GS1Element], GS1Error> {
        do {
            let data: any GS1Data = input.hasPrefix("http")
                ? try GS1DigitalLink.parse(input) : try GS1ElementString.parse(input)
            return .success(data.elements)
        } catch { return .failure(error) }
    }

    @Test func agreesWithBiipOrTheNoteSaysWhy() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let file = ProcessInfo.processInfo.environment["KIOSK_GS1_DIFFERENTIAL"].map(URL.init(fileURLWithPath:))
            ?? root.appendingPathComponent("Fixtures/gs1-differential.jsonl")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 10_000)
        var counts: [String: Int] = [:]
        var unexplained: [String] = []
        for text in lines {
            let line = try JSONDecoder().decode(Line.self, from: Data(text.utf8))
            switch (Self.kiosk(line.input), line.biip) {
            case (.success(let elements), "accept"):
                counts["both accept", default: 0] += 1
                if elements.map({ [$0.ai, $0.value] }) != line.elements { unexplained.append("read differently: \(line.input.debugDescription)") }
            case (.failure, "reject"):
                counts["both reject", default: 0] += 1
            case (.failure(let error), _):
                counts["kiosk stricter: \(error.rule)", default: 0] += 1
                if !Self.documentedStricter.contains(error.rule) {
                    unexplained.append("kiosk refuses (\(error)) what biip accepts: \(line.input.debugDescription)")
                }
            case (.success(let elements), _):
                counts["biip stricter", default: 0] += 1
                if !Self.biipStricterAsDocumented(elements) {
                    unexplained.append("kiosk accepts what biip refuses: \(line.input.debugDescription)")
                }
            }
        }
        let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
        print("GS1 differential against biip, \(lines.count) scans:\n" + summary)
        #expect(unexplained.isEmpty, "\(unexplained.count) unexplained, first: \(unexplained.prefix(20).joined(separator: "\n"))")
    }

    /// The fixture is biip's own verdict, not a copy someone edited: biip (in .venv-test, made by
    /// scripts/setup) judges the same seeded scans again and must say the same.
    @Test func theFixtureIsWhatBiipSays() async throws {
        let judged = try await run(repositoryRoot.appendingPathComponent(".venv-test/bin/python").path,
                                   [repositoryRoot.appendingPathComponent("scripts/gs1-differential").path, "--seed", "17", "--count", "10000"],
                                   in: FileManager.default.temporaryDirectory)
        #expect(judged.status == 0, "run scripts/setup for .venv-test with biip")
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/RetailTests/Fixtures/gs1-differential.jsonl"),
                                   encoding: .utf8)
        #expect(judged.output == committed, "regenerate the fixture with scripts/gs1-differential")
    }
}
