// Micro-benchmarks scripts/bench runs in a release build; each prints one line of figures.
//   kiosk-bench receipt ASSETS   encode a 50-line receipt with logo and QR, per printer profile
//   kiosk-bench catalog-import CSV DIR   import a catalog CSV into the catalog store in DIR
//   kiosk-bench catalog-lookup DIR GTINS [grdb]   look up every GTIN in the file (one per line)
//   kiosk-bench decode DIR [options]   decode the camera frames of DIR/manifest.tsv (DecodeBenchmark.swift)
//   kiosk-bench mjpeg [--repeats N] FILE.jpg ...   MJPEG camera frames to luma (MJPEGBenchmark.swift)
//   kiosk-bench scan-interpret ASSETS [MIX-FILE]   scan interpretation throughput (ScanBenchmark.swift)
//   kiosk-bench journal-generate ASSETS STATE-DIR EVENTS [SEED] [LANE-ID] a lane's journal of EVENTS events (JournalGenerator.swift)
import CatalogStore
import Foundation
import Receipts
import Retail

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Median and 99th percentile of `runs` timings of `body`, in microseconds.
func measure(runs: Int, _ body: () -> Int) -> (median: Double, p99: Double, sink: Int) {
    var times: [Double] = []
    var sink = 0
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let start = clock.now
        sink &+= body()
        times.append(milliseconds(clock.now - start) * 1000)
    }
    times.sort()
    return (times[times.count / 2], times[min(times.count - 1, times.count * 99 / 100)], sink)
}

func receiptBenchmark(assets: URL) throws {
    var receipt = SampleReceipt.make()
    let item = receipt.lines[0]
    receipt.lines = (1...50).map { n in
        Receipt.Line(name: "\(item.name) \(n)", secondName: item.secondName, quantityText: n % 3 == 0 ? "3 x ¥2.90" : nil, amount: item.amount)
    }
    let pgm = try PGM.parse([UInt8](Data(contentsOf: assets.appendingPathComponent("receipt/logo.pgm"))))
    // A printer that draws QR codes itself, and one that needs them as raster images.
    for name in ["generic-80mm", "xprinter-xp-58iih"] {
        let file = assets.deletingLastPathComponent().appendingPathComponent("devices/printers/\(name).json")
        let profile = try JSONDecoder().decode(PrinterProfile.self, from: Data(contentsOf: file))
        let logo = try MonochromeImage.dithered(gray: pgm.gray, width: pgm.width, height: pgm.height,
                                                maxWidth: profile.dotsPerLine * 6 / 10)
        _ = ReceiptPrinterDocument.escpos(receipt, profile: profile, logo: logo) // warm up
        let result = measure(runs: 2000) { ReceiptPrinterDocument.escpos(receipt, profile: profile, logo: logo).count }
        let bytes = ReceiptPrinterDocument.escpos(receipt, profile: profile, logo: logo).count
        // The preview is drawn to scale in printer dots (8 dots per mm at 203 dpi).
        let svg = SVGPreview.render(receipt, profile: profile, logo: logo)
        let heightDots = svg.firstMatch(of: /height="(\d+)"/).flatMap { Double($0.1) } ?? 0
        let paperMM = heightDots / 8
        let printMS = paperMM / 250 * 1000
        let qr = profile.nativeQR ? "native QR" : "raster QR"
        print(String(format: "receipt %@ (%@): encode median %.1f us, p99 %.1f us, %d bytes; paper %.0f mm, prints in %.0f ms at 250 mm/s; encoding is %.5f of print time",
                     profile.name, qr, result.median, result.p99, bytes, paperMM, printMS, result.median / 1000 / printMS))
    }
}

/// Peak resident memory of this process so far, in MiB (VmHWM).
func peakRSSMiB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
    return Double(line?.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
}

func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// The demo store's currency and tax codes; the benchmark catalog uses them.
let benchCatalogFormat = CatalogCSV(currency: Currency(code: "CNY", minorDigits: 2), taxCodes: ["A", "B", "Z"])

func catalogImportBenchmark(csv: String, directory: String) throws {
    let store = try CatalogStore(directory: directory)
    let start = monotonicNanoseconds()
    let result = try store.importCSV(file: csv, format: benchCatalogFormat)
    let seconds = Double(monotonicNanoseconds() - start) / 1e9
    print(String(format: "catalog-import: %d items, %d rows rejected, %.2f s, %.0f rows/s, peak RSS %.1f MiB (VmHWM)",
                 result.report.items, result.report.rejectedRows, seconds,
                 Double(result.report.items + result.report.rejectedRows) / seconds, peakRSSMiB()))
    for error in result.report.errors.prefix(5) { print("  \(error)") }
}

/// Looks every GTIN up once to warm the file's pages, then again timing each lookup: the same
/// work, order and timer as scripts/bench-reference/catalog_lookup.c.
func catalogLookupBenchmark(directory: String, gtinFile: String, grdb: Bool) throws {
    let text = try String(contentsOfFile: gtinFile, encoding: .utf8)
    let gtins = try text.split(separator: "\n").map { try GTIN($0) }
    let lookup: (GTIN) throws -> CatalogItem?
    if grdb {
        let reader = try CatalogGRDBLookup(directory: directory)
        lookup = reader.item(for:)
    } else {
        let store = try CatalogStore(directory: directory)
        lookup = store.item(for:)
    }
    var found = 0
    for gtin in gtins where try lookup(gtin) != nil { found += 1 }
    var times = [UInt64](repeating: 0, count: gtins.count)
    var sink = 0
    let start = monotonicNanoseconds()
    for (i, gtin) in gtins.enumerated() {
        let before = monotonicNanoseconds()
        let item = try lookup(gtin)
        times[i] = monotonicNanoseconds() - before
        sink &+= Int(item?.price.minorUnits ?? 0) &+ (item?.name.en.utf8.count ?? 0)
    }
    let total = Double(monotonicNanoseconds() - start) / 1e9
    times.sort()
    let p50 = Double(times[times.count / 2]) / 1000, p99 = Double(times[times.count * 99 / 100]) / 1000
    print(String(format: "catalog-lookup %@: %d lookups (%d found) %.3f s %.0f lookups/s p50 %.2f us p99 %.2f us (sink %d)",
                 grdb ? "swift-grdb" : "swift", gtins.count, found, total, Double(gtins.count) / total, p50, p99, sink & 0xFF))
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "receipt":
    guard arguments.count == 2 else { fatalError("usage: kiosk-bench receipt ASSETS") }
    try receiptBenchmark(assets: URL(fileURLWithPath: arguments[arguments.startIndex + 1]))
case "catalog-import":
    guard arguments.count == 3 else { fatalError("usage: kiosk-bench catalog-import CSV DIR") }
    try catalogImportBenchmark(csv: arguments[arguments.startIndex + 1], directory: arguments[arguments.startIndex + 2])
case "catalog-lookup":
    guard arguments.count == 3 || (arguments.count == 4 && arguments.last == "grdb") else {
        fatalError("usage: kiosk-bench catalog-lookup DIR GTINS [grdb]")
    }
    try catalogLookupBenchmark(directory: arguments[arguments.startIndex + 1], gtinFile: arguments[arguments.startIndex + 2],
                               grdb: arguments.count == 4)
case "decode":
    try decodeBenchmark(Array(arguments.dropFirst()))
case "mjpeg":
    try mjpegBenchmark(Array(arguments.dropFirst()))
case "scan-interpret":
    guard (2...3).contains(arguments.count) else { fatalError("usage: kiosk-bench scan-interpret ASSETS [MIX-FILE]") }
    try scanBenchmark(assets: URL(fileURLWithPath: arguments[arguments.startIndex + 1]),
                      mixFile: arguments.count == 3 ? arguments[arguments.startIndex + 2] : nil)
case "journal-generate":
    guard (4...6).contains(arguments.count), let events = Int64(arguments[arguments.startIndex + 3]),
          let seed = UInt64(arguments.count >= 5 ? arguments[arguments.startIndex + 4] : "1") else {
        fatalError("usage: kiosk-bench journal-generate ASSETS STATE-DIR EVENTS [SEED] [LANE-ID]")
    }
    try JournalGenerator.run(assets: URL(fileURLWithPath: arguments[arguments.startIndex + 1]),
                             stateDirectory: URL(fileURLWithPath: arguments[arguments.startIndex + 2]), events: events, seed: seed,
                             laneID: arguments.count == 6 ? arguments[arguments.startIndex + 5] : "L01")
default:
    FileHandle.standardError.write(Data("usage: kiosk-bench receipt ASSETS | catalog-import CSV DIR | catalog-lookup DIR GTINS [grdb] | decode DIR | scan-interpret ASSETS [MIX-FILE] | journal-generate ASSETS STATE-DIR EVENTS [SEED] [LANE-ID]\n".utf8))
    exit(2)
}
