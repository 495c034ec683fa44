import Foundation
import Retail

// Streaming a catalog file: its bytes are read a chunk at a time and fed to Retail's
// `CatalogCSV.Reader`, which splits them with the kiosk's one CSV tokenizer and judges each row
// as `CatalogCSV.read` does, whatever the chunk boundaries. Memory is a chunk, its rows and the
// row in progress (a row over the limit is reported without being kept), whatever the file's
// size. Duplicate GTINs are the one rule the reader leaves to its caller: the store judges them
// across the whole file in the version file it builds.

/// Where the CSV bytes come from.
enum CatalogCSVSource: Sendable {
    /// An open file descriptor, read to its end; the caller closes it.
    case file(descriptor: Int32, path: String)
    case bytes([UInt8])
}

/// Reads a catalog file in chunks and hands on each chunk's rows, in file order.
struct CatalogCSVChunker: Sendable {
    let csv: CatalogCSV
    let source: CatalogCSVSource
    /// Bytes read (and parsed) at a time; the rows a chunk completes are handed on together.
    let chunkBytes: Int
    /// A longer row is rejected without being read into memory.
    let maximumRecordBytes: Int

    /// Calls `emit` with the rows of each chunk; stops early when `emit` returns false.
    /// Throws `CatalogFileError` for a bad header, `CatalogStoreError` for a read error.
    func run(_ emit: ([CatalogCSV.Row]) throws -> Bool) throws {
        var reader = CatalogCSV.Reader(csv, maximumRowBytes: maximumRecordBytes)
        let size = max(1, chunkBytes)
        switch source {
        case .bytes(let bytes):
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + size)
                let rows = try reader.feed(bytes[start..<end])
                if !rows.isEmpty, try !emit(rows) { return }
                start = end
            }
        case .file(let descriptor, let path):
            var buffer = [UInt8](repeating: 0, count: size)
            while true {
                let count = try Self.read(descriptor, path: path, into: &buffer)
                if count == 0 { break }
                let rows = try reader.feed(buffer[0..<count])
                if !rows.isEmpty, try !emit(rows) { return }
            }
        }
        let rows = try reader.finish()
        if !rows.isEmpty { _ = try emit(rows) }
    }

    /// Fills `buffer` from the file as far as one read goes; 0 at the end of the file.
    private static func read(_ descriptor: Int32, path: String, into buffer: inout [UInt8]) throws -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in Glibc.read(descriptor, raw.baseAddress!, raw.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw CatalogStoreError.io(path: path, operation: "read", errno: errno) }
            return n
        }
    }
}
