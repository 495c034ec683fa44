@testable import CatalogStore
import Foundation
import KioskTestSupport
import Retail
import Synchronization
import Testing

@Suite struct CatalogStoreTests {
    let format = CatalogFixture.format

    /// Small chunks so that a few thousand rows cross many chunk boundaries.
    static func options(chunkBytes: Int = 4096) -> CatalogImportOptions {
        var options = CatalogImportOptions()
        options.chunkBytes = chunkBytes
        options.buildCacheKiB = 2048
        return options
    }

    @Test func importThenLookupGivesBackWhatCatalogCSVReads() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = CatalogFixture.csv(5000)
        let expected = try format.read(text)
        #expect(expected.errors.isEmpty && expected.items.count == 5000)

        let store = try CatalogStore(directory: dir.path)
        let result = try store.importCSV(file: CatalogFixture.write(text, in: dir), format: format, options: Self.options())
        #expect(result.report == CatalogImportReport(items: 5000, rejectedRows: 0, errorCount: 0, errors: []))
        #expect(result.version.itemCount == 5000 && result.version.currency == cny)
        for item in expected.items {
            let stored = try store.item(for: item.gtin)
            #expect(stored == item)
            if stored != item { break }
        }
        let batch = try store.items(for: expected.items.prefix(100).map(\.gtin))
        #expect(batch == expected.items.prefix(100).map { $0 })
        #expect(expected.items.contains { $0.pricing == .embeddedPrice && $0.name.zh != nil })
        #expect(expected.items.contains { $0.memberPrice != nil && $0.minimumAge != nil && $0.multiBuy != nil })
        #expect(expected.items.contains { $0.name.zh == nil })
    }

    @Test func unknownGTINAndEmptyStore() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try CatalogStore(directory: dir.path)
        #expect(try store.item(for: gtin("690000000001")) == nil)
        #expect(try store.currentVersion() == nil)
        try store.importCSV(bytes: Array(CatalogFixture.csv(10).utf8), source: "test", format: format)
        #expect(try store.item(for: gtin("690000000001")) == nil)
        #expect(try store.item(for: try GTIN(CatalogFixture.code(3))) != nil)
        // An in-store code whose price digits are not zero is a scan, not a catalog key.
        #expect(try store.item(for: try GTIN(GTIN.appendingCheckDigit("210004912345"))) == nil)
    }

    @Test func badRowsAreReportedByLineAndTheRestImport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = CatalogFixture.csv(3000).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Line numbers are 1-based with the header on line 1: row n is on line n + 2.
        let valid = CatalogFixture.code(9)
        let wrongCheckDigit = valid.dropLast() + String((Int(String(valid.last!))! + 1) % 10)
        lines[10] = wrongCheckDigit + ",Bad check digit,,1.00,,A,,,"
        lines[500] = CatalogFixture.code(499) + ",Bad tax,,1.00,,Q,,,"
        lines[1200] = CatalogFixture.row(1199) + ",extra"
        lines[2999] = CatalogFixture.row(5)  // duplicate of row 5 (line 7), thousands of bytes later
        let text = lines.joined(separator: "\n")
        let whole = try format.read(text)

        let store = try CatalogStore(directory: dir.path)
        let result = try store.importCSV(file: CatalogFixture.write(text, in: dir), format: format, options: Self.options())
        #expect(result.report.errors == whole.errors)
        #expect(result.report.items == whole.items.count)
        #expect(result.report.rejectedRows == Set(whole.errors.map(\.line)).count)
        let badLines = Set(result.report.errors.map(\.line))
        #expect(badLines.isSuperset(of: [11, 501, 1201, 3000]))
        #expect(result.report.errors.contains {
            $0.line == 3000 && $0.column == "gtin" && $0.message.hasSuffix("is already listed on line 7")
        })
        for item in whole.items { #expect(try store.item(for: item.gtin) == item) }
    }

    /// Every kind of row the CSV tokenizer treats specially, cut into chunks of every small size: the
    /// import must report exactly what `CatalogCSV` reports for the whole file.
    @Test(arguments: [1, 7, 64, 300, 1 << 20])
    func streamingMatchesCatalogCSVOnAwkwardFiles(chunkBytes: Int) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = CatalogFixture.code(1), b = CatalogFixture.code(2), c = CatalogFixture.code(3)
        let text = "\u{FEFF}\r\n\n" + CatalogFixture.header + "\r\n"
            + "\(a),\"Multi\r\nline\nname\",多行,1.00,,A,,,\r\n"              // quoted line breaks, CRLF
            + "\(b),Lone CR,,2.00,,A,,,\r"                                     // a lone CR ends a row
            + "\(b),Dup of the CR row,,2.00,,A,,,\n"
            + "\(c),Bad price,,abc,,A,,,\n"                                     // rejected, but claims c
            + "\(c),Valid after a bad row with its GTIN,,3.00,,A,,,\n"         // duplicate of the bad row
            + "\n,,,,,,,,\n  , ,,,,,,,\n"                                       // blank rows are skipped
            + "\(CatalogFixture.code(4)),Quote \"inside\",,1.00,,A,,,\n"        // quote in an unquoted field
            + "\(CatalogFixture.code(5)),\"Closed\"then text,,1.00,,A,,,\n"     // text after a closing quote
            + "\(CatalogFixture.code(6)),\"ok\",\u{FF}\u{FE},1.00,,A,,,\n"      // (valid UTF-8 here: ÿþ)
            + "\(CatalogFixture.code(7)),Short row\n"
            + " \(CatalogFixture.code(8)) ,Spaces around the code,,1.00,,B,,,\n"
            + "0\(CatalogFixture.code(8)),Same GTIN as 14 digits,,1.00,,B,,,\n"
            + "\(CatalogFixture.code(9)),Trailing,,1.00,,A,,,"                   // no final line break
        var bytes = Array(text.utf8)
        // Invalid UTF-8 in a middle field, followed by a quoted line break on the same row.
        // Each kind of bad sequence: cut short (at the end, or by ASCII before its continuation),
        // overlong, a surrogate, past U+10FFFF, a stray continuation byte.
        let badSequences: [[UInt8]] = [[0xC3], [0xC3, 0x41, 0xA9], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
                                       [0xF4, 0x90, 0x80, 0x80], [0x80]]
        for (n, bad) in badSequences.enumerated() {
            let row = Array("\n\(CatalogFixture.code(10 + n)),X,".utf8) + bad + Array(",1.00,\"a\nb\",A,,,\n".utf8)
            bytes.insert(contentsOf: row, at: bytes.lastIndex(of: UInt8(ascii: "\n"))!)
        }
        // And valid ones of each length, which must not end the row.
        let maxScalar: [UInt8] = [0xF4, 0x8F, 0xBF, 0xBF]
        let valid = Array("\n\(CatalogFixture.code(20)),é中𝄞,".utf8) + maxScalar + Array(",1.00,\"a\nb\",A,,,\n".utf8)
        bytes.insert(contentsOf: valid, at: bytes.lastIndex(of: UInt8(ascii: "\n"))!)
        try expectStreamingMatchesWholeFile(bytes, chunkBytes: chunkBytes, in: dir)
    }

    /// Random damage to a small valid file (quotes, commas, line breaks, bytes that are not
    /// UTF-8, duplicated rows), many times over.
    @Test func streamingMatchesCatalogCSVOnDamagedFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 20_240_601)
        let alphabet: [[UInt8]] = [[0x22], [0x22, 0x22], [0x2C], [0x0D], [0x0A], [0x0D, 0x0A], [0x20], [0xFF], [0xE4, 0xB8], [0x41]]
        for round in 0..<150 {
            var rows = (0..<30).map { CatalogFixture.row($0 + round) }
            for _ in 0..<3 { rows.insert(rows[Int(rng.next() % 30)], at: Int(rng.next() % 30)) }
            var bytes = Array((CatalogFixture.header + "\n" + rows.joined(separator: "\n") + "\n").utf8)
            for _ in 0..<(1 + rng.next() % 6) {
                let at = CatalogFixture.header.utf8.count + 1 + Int(rng.next() % UInt64(bytes.count - CatalogFixture.header.utf8.count - 1))
                bytes.insert(contentsOf: alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
            }
            try expectStreamingMatchesWholeFile(bytes, chunkBytes: 1 + Int(rng.next() % 400), in: dir)
        }
    }

    /// A row longer than `maximumRowBytes` is reported, not read into memory, wherever the reads
    /// and chunks fall; the rows after it import. (The one departure from `CatalogCSV`, which
    /// would read the row, or with an unclosed quote the rest of the file, as one field.)
    @Test(arguments: [16, 100, 4096])
    func overlongRowsAreRejectedWithoutBeingRead(chunkBytes: Int) throws {
        let long = String(repeating: "x", count: 300)
        let rows = [
            CatalogFixture.row(1),
            "\(CatalogFixture.code(2)),\"\(long)\",,1.00,,A,,,",            // line 3: too long
            CatalogFixture.row(3),
            "\(CatalogFixture.code(4)),\"\(long)\nsecond line\",,1.00,,A,,,",  // line 5, spans two lines
            CatalogFixture.row(5),                                          // line 7
            "\(CatalogFixture.code(6)),\"unclosed \(long)\n\(CatalogFixture.row(7))\n",  // line 8 to the end
        ]
        let text = CatalogFixture.header + "\n" + rows.joined(separator: "\n")
        let chunker = CatalogCSVChunker(csv: format, source: .bytes(Array(text.utf8)), chunkBytes: chunkBytes,
                                        maximumRecordBytes: 200)
        var outcomes: [CatalogCSV.Row] = []
        try chunker.run { rows in
            outcomes += rows
            return true
        }
        let summary = outcomes.map { outcome -> String in
            switch outcome {
            case .item(_, let line): return "item \(line)"
            case .rejected(let line, let errors, _): return "rejected \(line) \(errors.map(\.code).joined()): \(errors.map(\.message).joined())"
            }
        }
        let tooLong = "the row is longer than 200 bytes (an unclosed quote?)"
        #expect(summary == ["item 2", "rejected 3 row-too-long: " + tooLong, "item 4", "rejected 5 row-too-long: " + tooLong,
                            "item 7", "rejected 8 row-too-long: " + tooLong])
    }

    @Test func aHeaderOverTheRowLimitFailsTheImport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try CatalogStore(directory: dir.path)
        var options = Self.options(chunkBytes: 16)
        options.maximumRowBytes = 40
        let text = "\n" + CatalogFixture.header + "\n" + CatalogFixture.row(1) + "\n"
        #expect(throws: CatalogStoreError.file(.malformedHeader(line: 2, reason: "longer than 40 bytes"))) {
            try store.importCSV(bytes: Array(text.utf8), source: "long header", format: format, options: options)
        }
    }

    @Test func headerProblemsFailTheImportAsCatalogCSVDoes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try CatalogStore(directory: dir.path)
        for text in ["", "\n\n", "gtin,name_en\n1,2\n", "\n\"gtin,name_en\n", "gtin,gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n"] {
            var expected: CatalogFileError?
            do { _ = try format.read(text) } catch { expected = error }
            #expect(expected != nil)
            #expect(throws: CatalogStoreError.file(expected!)) {
                try store.importCSV(bytes: Array(text.utf8), source: "bad", format: format)
            }
        }
        #expect(try store.currentVersion() == nil)
        #expect(try store.history().allSatisfy { $0.state == .failed && $0.failure != nil })
    }

    @Test func aFileWithNoValidRowOrTooManyBadRowsKeepsTheCurrentVersion() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try CatalogStore(directory: dir.path)
        let first = try store.importCSV(bytes: Array(CatalogFixture.csv(20).utf8), source: "good", format: format)
        let allBad = CatalogFixture.header + "\n" + CatalogFixture.code(1) + ",x,,-1,,A,,,\n"
        let noItems = #expect(throws: CatalogStoreError.self) {
            try store.importCSV(bytes: Array(allBad.utf8), source: "bad", format: format)
        }
        guard case .noItems(let report) = noItems else {
            Issue.record("expected noItems, got \(String(describing: noItems))")
            return
        }
        #expect(report.rejectedRows == 1 && report.errors.first?.line == 2)
        let someBad = CatalogFixture.csv(20, price: "2.00") + CatalogFixture.code(99) + ",x,,1.00,,Q,,,\n"
        var strict = CatalogImportOptions(maximumRejectedRows: 0)
        strict.buildCacheKiB = 1024
        let tooMany = #expect(throws: CatalogStoreError.self) {
            try store.importCSV(bytes: Array(someBad.utf8), source: "strict", format: format, options: strict)
        }
        guard case .tooManyRejectedRows(let strictReport, 0) = tooMany else {
            Issue.record("expected tooManyRejectedRows, got \(String(describing: tooMany))")
            return
        }
        #expect(strictReport.items == 20 && strictReport.rejectedRows == 1)
        #expect(try store.currentVersion()?.id == first.version.id)
        #expect(try store.item(for: try GTIN(CatalogFixture.code(2)))?.price != yuan(200))
        #expect(try store.history().map(\.state) == [.current, .failed, .failed])
        #expect(try versionFiles(dir) == [CatalogStore.fileName(first.version.id)])
    }

    @Test func reopeningKeepsTheCurrentVersion() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let code = try GTIN(CatalogFixture.code(3))
        var version: Int64 = 0
        do {
            let store = try CatalogStore(directory: dir.path)
            try store.importCSV(bytes: Array(CatalogFixture.csv(10, price: "1.00").utf8), source: "A", format: format)
            version = try store.importCSV(bytes: Array(CatalogFixture.csv(10, price: "2.00").utf8), source: "B", format: format).version.id
            _ = try? store.importCSV(bytes: Array("gtin\n".utf8), source: "broken", format: format)
        }
        let reopened = try CatalogStore(directory: dir.path)
        let current = try reopened.currentVersion()
        #expect(current?.id == version && current?.source == "B" && current?.itemCount == 10)
        #expect(try reopened.item(for: code)?.price == yuan(200))
        #expect(try versionFiles(dir) == [CatalogStore.fileName(version)])
    }

    /// Version A prices everything at 1.00, B at 2.00 and adds items A lacks. A reader that looks
    /// up items while A is replaced by B, and while imports fail, sees A then B, and each batch of
    /// lookups comes from one whole version.
    @Test func lookupsDuringImportsSeeOnlyWholeVersions() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try CatalogStore(directory: dir.path)
        try store.importCSV(bytes: Array(CatalogFixture.csv(2000, price: "1.00").utf8), source: "A", format: format)
        // Rows 49, 99, ... are weighed items, listed under another code.
        let old = try (0..<40).map { $0 * 37 }.filter { $0 % 50 != 49 }.map { try GTIN(CatalogFixture.code($0)) }
        let added = try (0..<10).map { try GTIN(CatalogFixture.code(2000 + $0 * 3)) }
        let probe = old + added

        let stop = StopFlag()
        let reader = Task.detached { () throws -> [String] in
            var seen: [String] = []
            while !stop.isSet {
                let items = try store.items(for: probe)
                let prices = Set(items.prefix(old.count).map { $0?.price.minorUnits })
                let addedFound = items.suffix(added.count).map { $0 != nil }
                switch (prices, Set(addedFound)) {
                case ([100], [false]): if seen.last != "A" { seen.append("A") }
                case ([200], [true]): if seen.last != "B" { seen.append("B") }
                default: seen.append("mixed \(prices) \(addedFound)")
                }
                // Single lookups too: each is one version's.
                let one = try store.item(for: old[seen.count % old.count])
                if ![100, 200].contains(one?.price.minorUnits) { seen.append("bad single lookup") }
            }
            return seen
        }
        let options = Self.options(chunkBytes: 2048)
        // Failed imports while A is current: a bad row over the limit, after the whole file is built.
        var strict = options
        strict.maximumRejectedRows = 0
        let bad = CatalogFixture.csv(2000, price: "9.00") + CatalogFixture.code(1) + ",dup,,1.00,,A,,,\n"
        for _ in 0..<2 {
            #expect(throws: CatalogStoreError.self) {
                try store.importCSV(bytes: Array(bad.utf8), source: "bad", format: format, options: strict)
            }
        }
        try await Task.sleep(for: .milliseconds(20))
        try store.importCSV(bytes: Array(CatalogFixture.csv(2030, price: "2.00").utf8), source: "B", format: format, options: options)
        try await Task.sleep(for: .milliseconds(20))
        // And a failure after B is current.
        #expect(throws: CatalogStoreError.self) {
            try store.importCSV(bytes: Array(bad.utf8), source: "bad", format: format, options: strict)
        }
        try await Task.sleep(for: .milliseconds(20))
        stop.set()
        let seen = try await reader.value
        #expect(seen == ["A", "B"])
        #expect(try store.history().map(\.state) == [.replaced, .failed, .failed, .current, .failed])
    }

    /// Two stores on one directory stand for two processes: the lane sees the other's import
    /// within its refresh interval, or at once on refresh().
    @Test func anotherProcessesImportIsSeenAfterTheRefreshInterval() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let code = try GTIN(CatalogFixture.code(3))
        let importer = try CatalogStore(directory: dir.path)
        let eager = try CatalogStore(directory: dir.path, refreshInterval: .zero)
        let lazy = try CatalogStore(directory: dir.path, refreshInterval: .seconds(3600))
        #expect(try lazy.item(for: code) == nil)
        try importer.importCSV(bytes: Array(CatalogFixture.csv(10, price: "1.00").utf8), source: "A", format: format)
        #expect(try eager.item(for: code)?.price == yuan(100))
        #expect(try lazy.item(for: code) == nil)  // checked less than an hour ago
        try lazy.refresh()
        #expect(try lazy.item(for: code)?.price == yuan(100))
        try importer.importCSV(bytes: Array(CatalogFixture.csv(10, price: "2.00").utf8), source: "B", format: format)
        // The lazy store's open file was deleted, and it still serves the version it has.
        #expect(try lazy.item(for: code)?.price == yuan(100))
        #expect(try eager.item(for: code)?.price == yuan(200))
        try lazy.refresh()
        #expect(try lazy.item(for: code)?.price == yuan(200))
    }

    @Test func oneImportAtATimeAndLeftoversAreRemoved() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try CatalogStore(directory: dir.path)
        let csv = Array(CatalogFixture.csv(10).utf8)
        let lock = open(dir.appendingPathComponent(CatalogStore.lockFileName).path, O_RDWR | O_CREAT, 0o644)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        #expect(throws: CatalogStoreError.importInProgress) {
            try store.importCSV(bytes: csv, source: "blocked", format: format)
        }
        flock(lock, LOCK_UN)
        // What a crash during an import leaves: a half-written file and a row still 'importing'.
        try Data("partial".utf8).write(to: dir.appendingPathComponent("catalog-v77.sqlite"))
        try store.control.write { db in
            try db.execute(sql: """
                INSERT INTO catalog_version (id, file, state, source, started_at, currency, minor_digits)
                VALUES (77, 'catalog-v77.sqlite', 'importing', 'crashed', 0, 'CNY', 2)
                """)
        }
        let result = try store.importCSV(bytes: csv, source: "after crash", format: format)
        #expect(try versionFiles(dir) == [CatalogStore.fileName(result.version.id)])
        let crashed = try store.history().first { $0.id == 77 }
        #expect(crashed?.state == .failed && crashed?.failure == "interrupted")
        #expect(result.version.id == 78)
    }

    @Test func versionFilesArePublishedReadOnly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try CatalogStore(directory: dir.path)
        let result = try store.importCSV(bytes: Array(CatalogFixture.csv(10).utf8), source: "x", format: format)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(CatalogStore.fileName(result.version.id)).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o444)
        #expect(CatalogVersionFile.fileURI("/a b/c?d#e%f") == "file:/a%20b/c%3Fd%23e%25f")
    }

    // MARK: - Helpers

    func versionFiles(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("catalog-v") }.sorted()
    }

    /// Imports `bytes` in chunks of `chunkBytes` and checks the result against `CatalogCSV.read`
    /// of the whole file: the same errors in the same order, and the same items.
    func expectStreamingMatchesWholeFile(_ bytes: [UInt8], chunkBytes: Int, in dir: URL,
                                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = try CatalogStore(directory: dir.appendingPathComponent(UUID().uuidString).path)
        let whole: CatalogImport
        do {
            whole = try format.read(bytes)
        } catch {
            #expect(throws: CatalogStoreError.file(error), sourceLocation: sourceLocation) {
                try store.importCSV(bytes: bytes, source: "t", format: format, options: Self.options(chunkBytes: chunkBytes))
            }
            return
        }
        let report: CatalogImportReport
        do {
            report = try store.importCSV(bytes: bytes, source: "t", format: format,
                                         options: Self.options(chunkBytes: chunkBytes)).report
        } catch CatalogStoreError.noItems(let failed) {
            report = failed
        }
        #expect(report.errors == whole.errors, "chunks of \(chunkBytes): \(String(decoding: bytes, as: UTF8.self).debugDescription)",
                sourceLocation: sourceLocation)
        #expect(report.items == whole.items.count, sourceLocation: sourceLocation)
        if report.items > 0 {
            let stored = try store.items(for: whole.items.map(\.gtin))
            #expect(stored == whole.items.map { $0 }, sourceLocation: sourceLocation)
        }
    }
}

final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
