import Checkout
import Peripherals
import Receipts

/// What the maintenance screen sends to the receipt printer besides receipts: the test page (the
/// sample receipt `kiosk receipt test-print` prints, marked as a test), a paper feed, copies and
/// the Z report. Job names are the file names the simulated printer writes.
extension ReceiptComposer {
    static let testBanner = "TEST PRINT / 测试打印"

    /// The sample receipt (logo, both languages, discounts, tax, QR code, barcode) in the printer's layout.
    func testPage(at time: Timestamp, profile printer: PrinterProfile?) -> PrintJob {
        var receipt = SampleReceipt.make()
        receipt.copyBanner = Self.testBanner
        let profile = printer ?? self.profile
        return PrintJob(saleID: "test-print-\(time)", escpos: ReceiptPrinterDocument.escpos(receipt, profile: profile, logo: logo),
                        text: TextRenderer.render(receipt, profile: profile))
    }

    /// Feeds a few lines (after a paper change, to see the paper runs).
    func paperFeed(at time: Timestamp, profile printer: PrinterProfile?) -> PrintJob {
        let profile = printer ?? self.profile
        return PrintJob(saleID: "paper-feed-\(time)", escpos: ESCPOSEncoder(profile: profile).encode([.initialize, .feed(lines: 6)]),
                        text: String(repeating: "\n", count: 6))
    }

    /// A receipt printed again, marked as a copy; `name` tells it apart from the original's job.
    func copy(of sale: CompletedSale, integrityCode: String?, name: String, profile printer: PrinterProfile?) -> PrintJob {
        let job = job(for: sale, integrityCode: integrityCode, profile: printer, copy: true)
        return PrintJob(saleID: name, escpos: job.escpos, text: job.text)
    }

    /// Plain lines (the Z report), cut after.
    func textPage(name: String, lines: [String], profile printer: PrinterProfile?) -> PrintJob {
        let profile = printer ?? self.profile
        var commands: [ESCPOSCommand] = [.initialize]
        for line in lines { commands += [.text(line), .newline] }
        commands.append(profile.cutter ? .cut(.partial) : .feed(lines: 4))
        return PrintJob(saleID: name, escpos: ESCPOSEncoder(profile: profile).encode(commands), text: lines.joined(separator: "\n") + "\n")
    }
}
