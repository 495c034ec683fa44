// Micro-benchmarks scripts/bench runs in a release build; each prints one line of figures.
//   kiosk-bench receipt ASSETS   encode a 50-line receipt with logo and QR, per printer profile
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

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "receipt":
    guard arguments.count == 2 else { fatalError("usage: kiosk-bench receipt ASSETS") }
    try receiptBenchmark(assets: URL(fileURLWithPath: arguments[arguments.startIndex + 1]))
default:
    FileHandle.standardError.write(Data("usage: kiosk-bench receipt ASSETS\n".utf8))
    exit(2)
}
