import Devices
import Foundation
import KioskTestSupport
import Peripherals
import Testing

/// ESC @, bold on, CJK in GB18030, bytes that are not UTF-8, cut: what a real printer would get.
let escpos: [UInt8] = [0x1B, 0x40, 0x1B, 0x45, 0x01, 0xC6, 0xBB, 0xB9, 0xFB, 0x0A, 0x00, 0xFF, 0x80, 0x1D, 0x56, 0x00]
let text = "  苹果 Apple        ¥3.50\nTOTAL            ¥3.50\n\u{0}tab\there\n"

@Suite struct SimulatedPrinterTests {

    @Test func writesTheExactBytesAndText() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("receipts/nested")
        let printer = try SimulatedPrinter(folder: folder)
        #expect(printer.name == "simulated")
        #expect(FileManager.default.fileExists(atPath: folder.path), "init creates the folder")
        #expect(await printer.status() == .ready)

        try await printer.print(PrintJob(saleID: "L1-1700000000000", escpos: escpos, text: text))
        let bytes = try Data(contentsOf: folder.appendingPathComponent("L1-1700000000000.escpos"))
        let written = try Data(contentsOf: folder.appendingPathComponent("L1-1700000000000.txt"))
        #expect([UInt8](bytes) == escpos)
        #expect(written == Data(text.utf8))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
                == ["L1-1700000000000.escpos", "L1-1700000000000.txt"])
    }

    @Test func printingTheSameSaleAgainReplacesIt() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let printer = try SimulatedPrinter(folder: dir)
        try await printer.print(PrintJob(saleID: "S_1", escpos: escpos, text: text))
        try await printer.print(PrintJob(saleID: "S_1", escpos: [0x1B, 0x40], text: "copy\n"))
        #expect([UInt8](try Data(contentsOf: dir.appendingPathComponent("S_1.escpos"))) == [0x1B, 0x40])
        #expect(try String(contentsOf: dir.appendingPathComponent("S_1.txt"), encoding: .utf8) == "copy\n")
    }

    @Test(arguments: [PrinterStatus.paperOut, .coverOpen, .offline, .unknown])
    func refusesWhenNotReadyAndWritesNothing(status: PrinterStatus) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let printer = try SimulatedPrinter(folder: dir, status: status)
        #expect(await printer.status() == status)
        await #expect(throws: PrinterError.notReady(status)) {
            try await printer.print(PrintJob(saleID: "L1-1", escpos: escpos, text: text))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func paperNearEndStillPrints() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let printer = try SimulatedPrinter(folder: dir, status: .paperNearEnd)
        try await printer.print(PrintJob(saleID: "L1-1", escpos: escpos, text: text))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("L1-1.escpos").path))
    }

    @Test func printsAgainOnceBackToReady() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let printer = try SimulatedPrinter(folder: dir)
        try await printer.print(PrintJob(saleID: "A", escpos: escpos, text: text))
        await printer.setStatus(.paperOut)
        #expect(await printer.status() == .paperOut)
        await #expect(throws: PrinterError.notReady(.paperOut)) {
            try await printer.print(PrintJob(saleID: "B", escpos: escpos, text: text))
        }
        await printer.setStatus(.coverOpen)
        await #expect(throws: PrinterError.notReady(.coverOpen)) {
            try await printer.print(PrintJob(saleID: "B", escpos: escpos, text: text))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("B.escpos").path))
        await printer.setStatus(.ready)
        try await printer.print(PrintJob(saleID: "B", escpos: escpos, text: text))
        #expect([UInt8](try Data(contentsOf: dir.appendingPathComponent("B.escpos"))) == escpos)
    }

    @Test(arguments: ["../x", "", ".", "..", ".hidden", "a/b", "/etc/passwd", "x y", "x\u{0}y", "L1-1.escpos",
                      "苹果", "x\n", String(repeating: "a", count: 129)])
    func refusesSaleIDsThatAreNotPlainFileNames(saleID: String) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("receipts")
        let printer = try SimulatedPrinter(folder: folder)
        let error = await #expect(throws: PrinterError.self) {
            try await printer.print(PrintJob(saleID: saleID, escpos: escpos, text: text))
        }
        guard case .failed(let why)? = error else {
            Issue.record("expected .failed, got \(String(describing: error))")
            return
        }
        #expect(!why.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["receipts"],
                "nothing written beside the folder either")
    }

    @Test func acceptsTheLongestPlainName() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let printer = try SimulatedPrinter(folder: dir)
        let id = String(repeating: "a", count: 128)
        try await printer.print(PrintJob(saleID: id, escpos: escpos, text: text))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(id + ".txt").path))
    }

    @Test func errorsSayWhatIsWrong() {
        #expect(PrinterError.notReady(.paperOut).description.contains("paper-out"))
        #expect(PrinterError.notReady(.coverOpen).description.contains("cover-open"))
        #expect(PrinterError.failed("disk full").description.contains("disk full"))
    }
}
