import Foundation
import KioskTestSupport
import Testing

/// `kiosk catalog import` into the lane's catalog store, and the running lane looking items up there.
@Suite(.serialized)
struct CatalogImportTests {
    func importCatalog(_ csv: String, state: URL) throws -> String {
        let file = state.appendingPathComponent("import-\(UUID().uuidString).csv")
        try Data(csv.utf8).write(to: file)
        let process = Process()
        process.executableURL = KioskProcess.binary
        process.arguments = ["catalog", "import", file.path, "--state-dir", state.path,
                             "--assets", repositoryRoot.appendingPathComponent("assets").path]
        let output = OutputCollector(process: process)
        try process.run()
        process.waitUntilExit()
        _ = output.waitForLine(containing: "\u{0}", timeout: 1)
        #expect(process.terminationStatus == 0, "\(output.text)")
        return output.text
    }

    @Test func theLaneSellsFromTheImportedCatalogAndSeesANewVersionWhileRunning() async throws {
        let state = try temporaryDirectory("catalog-import")
        defer { try? FileManager.default.removeItem(at: state) }
        let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n"
        let first = try importCatalog(header + "4006381333931,Highlighter,荧光笔,12.50,,A,,,unit\nnot-a-gtin,Broken,,1.00,,A,,,unit\n", state: state)
        #expect(first.contains("1 items") && first.contains("1 rows rejected"), "\(first)")

        let kiosk = try await KioskProcess(stateDirectory: state)
        defer { _ = kiosk.terminate() }
        let api = APIClient(base: kiosk.baseURL)
        #expect(try await api.scan("4006381333931").status == 200)
        // The demo CSV's items are not in the imported catalog: the lane uses the import alone.
        #expect(try await api.scan("6907674936533").status == 422)
        let cart = try #require(try await api.waitForState { ($0["lines"] as? [Any])?.count == 1 })
        #expect("\(cart)".contains("12.50"))

        // A new version with a new item, imported while the lane runs: seen within a second or so.
        _ = try importCatalog(header + "4006381333931,Highlighter,荧光笔,12.50,,A,,,unit\n5012345678900,Notebook,笔记本,9.90,,A,,,unit\n",
                              state: state)
        let seen = try await eventually(20, every: .milliseconds(250)) { try await api.scan("5012345678900").status == 200 }
        #expect(seen)
        let updated = try #require(try await api.waitForState { ($0["lines"] as? [Any])?.count == 2 })
        #expect("\(updated)".contains("9.90"))
    }

    @Test func aLaneStartedBeforeAnyImportSwitchesToTheFirstWhileRunning() async throws {
        let state = try temporaryDirectory("catalog-import")
        defer { try? FileManager.default.removeItem(at: state) }
        let kiosk = try await KioskProcess(stateDirectory: state)
        defer { _ = kiosk.terminate() }
        let api = APIClient(base: kiosk.baseURL)
        // Nothing imported yet: the settings' CSV.
        #expect(try await api.scan("6907674936533").status == 200)

        let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n"
        _ = try importCatalog(header + "4006381333931,Highlighter,荧光笔,12.50,,A,,,unit\n", state: state)
        let seen = try await eventually(20, every: .milliseconds(250)) { try await api.scan("4006381333931").status == 200 }
        #expect(seen)
        #expect(try await api.scan("6907674936533").status == 422, "the CSV is not sold from once a version is current")
    }
}
