import Foundation
import KioskTestSupport
import Testing
@testable import KioskApp

/// `kiosk catalog import` for scripts and for people: `--max-rejected` refuses a file with too many bad
/// rows (exit status 3, the lane keeps selling from the current version); on a terminal the import
/// shows its progress, in a pipe only its summary.
@Suite(.serialized)
struct CatalogImportCommandTests {
    static let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n"

    /// Through `run`, which waits without holding a thread of the concurrency pool.
    func importCatalog(_ csv: String, state: URL, _ extra: [String] = []) async throws -> (status: Int32, output: String) {
        let file = state.appendingPathComponent("import-\(UUID().uuidString).csv")
        try Data(csv.utf8).write(to: file)
        return try await importFile(file, state: state, extra)
    }

    func importFile(_ file: URL, state: URL, _ extra: [String] = []) async throws -> (status: Int32, output: String) {
        try await run(KioskProcess.binary.path, ["catalog", "import", file.path, "--state-dir", state.path,
                                                 "--assets", repositoryRoot.appendingPathComponent("assets").path] + extra,
                      in: state, mergingErrors: true)
    }

    @Test func pastMaxRejectedTheImportFailsAndTheCurrentCatalogStays() async throws {
        try await withTemporaryDirectory("catalog-limit") { state in
            let first = try await importCatalog(Self.header + "4006381333931,Highlighter,荧光笔,12.50,,A,,,unit\n", state: state, ["--max-rejected", "0"])
            #expect(first.status == 0, "\(first.output)")

            let twoBad = Self.header + "5012345678900,Notebook,笔记本,9.90,,A,,,unit\nnot-a-gtin,Broken,,1.00,,A,,,unit\n"
                + "4006381333931,Highlighter,荧光笔,abc,,A,,,unit\n"
            let refused = try await importCatalog(twoBad, state: state, ["--max-rejected", "1"])
            #expect(refused.status == 3, "\(refused.output)")
            #expect(refused.output.contains("2 rows rejected, more than the 1 allowed"), "\(refused.output)")
            #expect(refused.output.contains("line 3"), "the rejected rows are listed: \(refused.output)")

            // The lane still sells from the first version: the refused file's new item is unknown.
            let kiosk = try await KioskProcess(stateDirectory: state)
            defer { _ = kiosk.terminate() }
            let api = APIClient(base: kiosk.baseURL)
            #expect(try await api.scan("4006381333931").status == 200)
            #expect(try await api.scan("5012345678900").status == 422)

            // At the limit it goes through.
            let atLimit = try await importCatalog(twoBad, state: state, ["--max-rejected", "2"])
            #expect(atLimit.status == 0 && atLimit.output.contains("2 rows rejected"), "\(atLimit.output)")
            #expect(try await eventually(20, every: .milliseconds(250)) { try await api.scan("5012345678900").status == 200 })
        }
    }

    @Test func aNegativeMaxRejectedIsAUsageError() async throws {
        try await withTemporaryDirectory("catalog-limit") { state in
            let result = try await importCatalog(Self.header + "4006381333931,Highlighter,荧光笔,12.50,,A,,,unit\n", state: state, ["--max-rejected=-1"])
            #expect(result.status == 64, "\(result.output)")
            #expect(result.output.contains("--max-rejected must be 0 or more"))
            #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("catalog").path), "nothing imported")
        }
    }

    /// On a terminal (here a pseudo-terminal made by script(1)) the rows, the rate and the rejected
    /// rows are shown as they are read; in a pipe only the summary is printed.
    @Test func progressIsShownOnATerminalOnly() async throws {
        try await withTemporaryDirectory("catalog-progress") { state in
            var csv = Self.header
            for index in 0..<2_000 {
                let body = String(format: "40%010d", index)
                csv += "\(body)\(Self.checkDigit(body)),Item \(index),商品,1.00,,A,,,unit\n"
            }
            csv += "not-a-gtin,Broken,,1.00,,A,,,unit\n"
            let file = state.appendingPathComponent("big.csv")
            try Data(csv.utf8).write(to: file)
            let command = [KioskProcess.binary.path, "catalog", "import", file.path, "--state-dir", state.path,
                           "--assets", repositoryRoot.appendingPathComponent("assets").path].map { "'\($0)'" }.joined(separator: " ")
            let terminal = try await run("script", ["-qec", command, "/dev/null"], in: state, mergingErrors: true)
            #expect(terminal.status == 0, "\(terminal.output)")
            #expect(terminal.output.contains("catalog import: 2001 rows, "), "\(terminal.output)")
            #expect(terminal.output.contains("rows/s, 1 rejected"), "\(terminal.output)")

            let piped = try await importFile(file, state: state)
            #expect(piped.status == 0)
            #expect(!piped.output.contains("rows/s") && piped.output.contains("2000 items, 1 rows rejected"), "\(piped.output)")
        }
    }

    @Test func theProgressLineSaysRowsRateAndRejected() {
        let text = CatalogImportProgressLine.text(rows: 90_000, rejectedRows: 3, elapsed: .seconds(2))
        #expect(text == "catalog import: 90000 rows, 45000 rows/s, 3 rejected")
        #expect(CatalogImportProgressLine.text(rows: 5, rejectedRows: 0, elapsed: .zero)
                == "catalog import: 5 rows, 0 rows/s, 0 rejected")
    }

    static func checkDigit(_ body: String) -> Int {
        let digits = body.compactMap(\.wholeNumberValue)
        let sum = digits.reversed().enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10
    }
}
