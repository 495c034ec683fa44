import Foundation
import KioskTestSupport
import Retail
import Testing
@testable import CatalogStore

/// A pushed or imported catalog is streamed in chunks with a row-size limit: for any bytes, any
/// chunk size and any limit (from a file or from memory), the rows are those of the file read
/// whole with the same limit, and an over-long row never comes out as an item.
@Suite struct CatalogStreamFuzzTests {
    static let csv = CatalogCSV(currency: cny, taxCodes: ["A", "B", "Z"])
    static let demo: [UInt8] = Array(try! Data(contentsOf: repositoryRoot.appendingPathComponent("assets/demo/catalog.csv")))
    static let lines: [[UInt8]] = demo.split(separator: 10).map(Array.init)
    static let tokens: [[UInt8]] = [",", "\"", "\"\"", "\n", "\r\n", "\r", "\u{FEFF}", "gtin", "price"].map { Array($0.utf8) }

    struct Input {
        let bytes: [UInt8]
        let chunkBytes: Int
        let maximumRecordBytes: Int
        let fromFile: Bool
    }

    static func make(_ r: inout SplitMix64) -> Input {
        var bytes = lines[0]
        for _ in 0..<r.below(10) { bytes += [r.pick([10, 13])] + r.pick(lines.dropFirst().map { $0 }) }
        if r.chance(80) { Mutation.mutate(&bytes, &r, tokens: tokens, others: lines) }
        return Input(bytes: bytes, chunkBytes: r.pick([1, 2, 3, 7, 64, 4096, 1 + r.below(300)]),
                     maximumRecordBytes: r.pick([1, 40, 80, 200, 4096, 1 + r.below(500)]), fromFile: r.chance(1))
    }

    static func rows(_ source: CatalogCSVSource, chunkBytes: Int, limit: Int) -> Result<[CatalogCSV.Row], CatalogFileError>? {
        var rows: [CatalogCSV.Row] = []
        do {
            try CatalogCSVChunker(csv: csv, source: source, chunkBytes: chunkBytes, maximumRecordBytes: limit).run { rows += $0; return true }
        } catch let error as CatalogFileError { return .failure(error) } catch { return nil }
        return .success(rows)
    }

    @Test func streamedCatalogs() async throws {
        let folder = try temporaryDirectory("stream-fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("catalog.csv")
        let report = await Fuzz.run("catalog CSV stream", seed: 0x57_4EA3, ci: 3_000, make: Self.make,
                                    show: { "chunks \($0.chunkBytes), limit \($0.maximumRecordBytes): \(String(decoding: $0.bytes, as: UTF8.self).debugDescription)" }) { input in
            let streamed: Result<[CatalogCSV.Row], CatalogFileError>?
            if input.fromFile {
                do { try Data(input.bytes).write(to: file) } catch { return .wrong("cannot write \(file.path)") }
                let descriptor = open(file.path, O_RDONLY)
                defer { close(descriptor) }
                streamed = Self.rows(.file(descriptor: descriptor, path: file.path), chunkBytes: input.chunkBytes, limit: input.maximumRecordBytes)
            } else {
                streamed = Self.rows(.bytes(input.bytes), chunkBytes: input.chunkBytes, limit: input.maximumRecordBytes)
            }
            let whole = Self.rows(.bytes(input.bytes), chunkBytes: max(1, input.bytes.count), limit: input.maximumRecordBytes)
            guard let streamed, streamed == whole else { return .wrong("in chunks \(String(describing: streamed)), whole \(String(describing: whole))") }
            guard case .success(let rows) = streamed else { return .refused }
            // A row is judged whole or not at all: an item comes from a row within the limit.
            for case .item(let item, _) in rows where item.name.en.utf8.count > input.maximumRecordBytes {
                return .wrong("item \(item.gtin) from a row over \(input.maximumRecordBytes) bytes")
            }
            return rows.contains { if case .item = $0 { true } else { false } } ? .accepted : .refused
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 10)
    }
}
