import Foundation
import Testing
import Retail

/// Consistency of the AI table itself.
@Suite struct GS1TableTests {
    /// Every AI in the table (one entry per concrete AI: 3100...3105).
    static let allAIs: [String] = GS1ApplicationIdentifier.table.map(\.ai)

    @Test func coversTheAIsAShopLaneMeets() {
        var wanted = ["00", "01", "02", "10", "11", "13", "15", "16", "17", "20", "21", "22", "30", "37", "240", "241",
                      "242", "250", "251", "253", "254", "255", "400", "401", "402", "403", "420", "421", "422",
                      "7003", "8005", "8008", "8020", "8110", "8112", "8200", "90"]
        wanted += (410...417).map(String.init) + (91...99).map(String.init)
        wanted += (310...316).flatMap { f in (0...5).map { "\(f)\($0)" } }
        wanted += (320...329).flatMap { f in (0...5).map { "\(f)\($0)" } }
        wanted += (330...337).flatMap { f in (0...5).map { "\(f)\($0)" } }
        wanted += (390...393).flatMap { f in (0...9).map { "\(f)\($0)" } } + (0...3).map { "394\($0)" } + (0...5).map { "395\($0)" }
        for ai in wanted { #expect(GS1ApplicationIdentifier.lookup(ai) != nil, "AI \(ai)") }
        #expect(GS1ApplicationIdentifier.lookup("3106") == nil)
        #expect(GS1ApplicationIdentifier.lookup("3944") == nil)
        #expect(GS1ApplicationIdentifier.lookup("3922")?.decimals == 2)
        #expect(GS1ApplicationIdentifier.lookup("01")?.decimals == nil)
    }

    @Test func predefinedLengthAIsAreFixedLength() {
        for ai in Self.allAIs {
            let entry = GS1ApplicationIdentifier.lookup(ai)!
            if entry.isPredefinedLength {
                #expect(entry.lengthRange.count == 1 && !entry.components.contains(where: \.isOptional), "AI \(ai)")
            }
        }
        #expect(GS1ApplicationIdentifier.lookup("17")!.isPredefinedLength)
        #expect(GS1ApplicationIdentifier.lookup("3103")!.isPredefinedLength)
        #expect(GS1ApplicationIdentifier.lookup("410")!.isPredefinedLength)
        #expect(!GS1ApplicationIdentifier.lookup("3922")!.isPredefinedLength)
        #expect(!GS1ApplicationIdentifier.lookup("422")!.isPredefinedLength)
        #expect(!GS1ApplicationIdentifier.lookup("8005")!.isPredefinedLength)
    }

    @Test func aisArePrefixFree() {
        var lengths: [Substring: Int] = [:]
        for ai in Self.allAIs {
            let prefix = ai.prefix(2)
            #expect(lengths[prefix, default: ai.count] == ai.count, "AI \(ai)")
            lengths[prefix] = ai.count
        }
    }

    @Test func onlyTheLastComponentVariesAndOptionalsComeLast() {
        for entry in GS1ApplicationIdentifier.table {
            for (i, c) in entry.components.enumerated() {
                if !c.isFixedLength { #expect(i == entry.components.count - 1, "AI \(entry.ai)") }
                let laterAllOptional = entry.components[(i + 1)...].allSatisfy { $0.isOptional }
                if c.isOptional { #expect(laterAllOptional, "AI \(entry.ai)") }
            }
        }
    }

    @Test func associationsNameKnownAIs() {
        func known(_ pattern: some StringProtocol) -> Bool {
            Self.allAIs.contains { ai in ai.count == pattern.count && zip(pattern, ai).allSatisfy { $0 == $1 || $0 == "n" } }
        }
        for entry in GS1ApplicationIdentifier.table {
            for requirement in entry.requires {
                for alternative in requirement.split(separator: ",") {
                    for ai in alternative.split(separator: "+") { #expect(known(ai), "AI \(entry.ai) requires \(ai)") }
                }
            }
            for ai in entry.excludes { #expect(known(ai), "AI \(entry.ai) excludes \(ai)") }
            for sequence in (entry.digitalLinkQualifiers ?? "").split(separator: "|") {
                for ai in sequence.split(separator: ",") { #expect(known(ai), "AI \(entry.ai) qualifier \(ai)") }
            }
        }
    }

    @Test func decimalFamilies() {
        for entry in GS1ApplicationIdentifier.table where entry.decimals != nil {
            #expect(entry.ai.count == 4 && ["31", "32", "33", "34", "35", "36", "39"].contains(String(entry.ai.prefix(2))))
        }
        #expect(GS1ApplicationIdentifier.lookup("3925")?.decimals == 5)
        #expect(GS1ApplicationIdentifier.lookup("7003")?.decimals == nil)
    }

    /// The list of AIs the kiosk did not know: every one is in the generated table now.
    @Test func knowsEveryAIGS1Defines() {
        var wanted = (423...427).map(String.init) + (4300...4333).filter { !(4327...4329).contains($0) }.map(String.init)
        wanted += (7001...7011).map(String.init) + (7020...7023).map(String.init) + (7030...7041).map(String.init)
        wanted += (710...717).map(String.init) + (7230...7242).map(String.init) + (7250...7259).map(String.init)
        wanted += ["8001", "8002", "8007", "8009", "8012", "8014", "8019", "8030", "8040", "8041", "8042", "8043"]
        for ai in wanted { #expect(GS1ApplicationIdentifier.lookup(ai) != nil, "AI \(ai)") }
        #expect(GS1ApplicationIdentifier.table.count == 541)
        // Straight from the dictionary: 8005 needs only an item, 393n only a measure.
        #expect(GS1ApplicationIdentifier.lookup("8005")!.requires == ["01,02"])
        #expect(GS1ApplicationIdentifier.lookup("3932")!.requires == ["30,31nn,32nn,35nn,36nn"])
        #expect(GS1ApplicationIdentifier.lookup("8013")!.components[0].linters == [.csumalpha, .gcppos1])
    }

    /// Sources/Retail/GS1DictionaryTable.swift is what scripts/gen-gs1-table makes of data/gs1/:
    /// after a new GS1 release, run the script and commit both.
    @Test func theGeneratedTableIsUpToDateWithTheDictionary() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [root.appendingPathComponent("scripts/gen-gs1-table").path, "--stdout"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let made = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let committed = try Data(contentsOf: root.appendingPathComponent("Sources/Retail/GS1DictionaryTable.swift"))
        #expect(made == committed, "Sources/Retail/GS1DictionaryTable.swift is stale: run scripts/gen-gs1-table")
    }
}
