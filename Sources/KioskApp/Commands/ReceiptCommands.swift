import Devices
import Foundation
import Journal
import Logging
import Peripherals
import Receipts
import Retail

/// `kiosk receipt preview` and `kiosk receipt test-print`: the same receipts the lane prints,
/// rendered for staff to check before (or instead of) paper.
public struct ReceiptCommands {
    public enum Format: String, CaseIterable, Sendable {
        case text, svg, png, escpos
    }

    let composer: ReceiptComposer
    let stateDirectory: URL
    let configFile: URL?
    let assets: String?

    /// Reads the settings like `kiosk run` does; `profile` overrides the configured printer profile.
    public init(configFile: URL?, assets: String?, stateDirectory: URL, profile: String? = nil) throws {
        var config = try KioskConfig.forCommand(configFile)
        if let profile { config.printerProfile = profile }
        try config.validate(source: "--profile")
        let assetsURL = try AssetLocator.find(explicit: assets)
        let store = try StoreSetup.loadProfile(AssetLocator.resolve(config.storeOrDemo, in: assetsURL))
        var options = RunOptions(stateDirectory: stateDirectory)
        options.port = 0
        composer = try Kiosk.receiptComposer(config: config, store: store, assets: assetsURL, options: options,
                                             linkKey: try ReceiptLinkKey.loadOrCreate(stateDirectory: stateDirectory),
                                             logger: Logger(label: "kiosk-receipt"))
        self.stateDirectory = stateDirectory
        self.configFile = configFile
        self.assets = assets
    }

    /// A recorded sale's receipt, as it printed (or would have).
    public func preview(saleID: String, format: Format) throws -> [UInt8] {
        let path = stateDirectory.appendingPathComponent("journal.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { throw ReceiptCommandError.noJournal(path) }
        let journal = try LaneJournal(path: path)
        guard let sale = try journal.sale(id: saleID) else { throw ReceiptCommandError.noSale(saleID) }
        return try render(composer.receipt(for: sale, integrityCode: try journal.integrityCode(forSale: saleID)), format: format)
    }

    /// The built-in sample receipt: logo, Western and Chinese names, discounts, tax, QR, barcode.
    public func sample(format: Format) throws -> [UInt8] {
        var receipt = SampleReceipt.make()
        if let link = composer.eReceiptLink(saleID: receipt.saleID) { receipt.qrCode = link }
        return try render(receipt, format: format)
    }

    /// The sample to the lane's printer: the attached USB printer (in its own profile) when there
    /// is one, else the simulated printer, into the state folder's receipts/. Says where it went.
    public func printSampleToLanePrinter() async throws -> String {
        let id = "test-print-\(Int(Date().timeIntervalSince1970))"
        if let printer = try await attachedUSBPrinter() {
            let commands = try ReceiptCommands(configFile: configFile, assets: assets, stateDirectory: stateDirectory,
                                               profile: printer.profile.id)
            try await printer.print(PrintJob(saleID: id, escpos: try commands.sample(format: .escpos),
                                             text: String(decoding: try commands.sample(format: .text), as: UTF8.self)))
            return "test receipt printed by \(printer.name)"
        }
        try StateFolder.makePrivate(stateDirectory)
        let printer = try SimulatedPrinter(folder: stateDirectory.appendingPathComponent("receipts"))
        try await printer.print(PrintJob(saleID: id, escpos: try sample(format: .escpos),
                                         text: String(decoding: try sample(format: .text), as: UTF8.self)))
        return "test receipt printed by the simulated printer: " + printer.folder.appendingPathComponent(id + ".escpos").path
    }

    private func attachedUSBPrinter() async throws -> USBReceiptPrinter? {
        let catalog = try DeviceCommands(assets: assets).catalog
        guard let context = try? USBContext() else { return nil } // no USB on this machine
        return try await USBDeviceManager.firstPrinter(context: context, catalog: catalog, logger: Logger(label: "kiosk-receipt"))
    }

    func render(_ receipt: Receipt, format: Format) throws -> [UInt8] {
        switch format {
        case .text: return Array(TextRenderer.render(receipt, profile: composer.profile, labels: composer.words.labels).utf8)
        case .escpos: return ReceiptPrinterDocument.escpos(receipt, profile: composer.profile, labels: composer.words.labels, logo: composer.logo)
        case .svg: return Array(SVGPreview.render(receipt, profile: composer.profile, labels: composer.words.labels, logo: composer.logo).utf8)
        case .png: return try Self.png(fromSVG: SVGPreview.render(receipt, profile: composer.profile, labels: composer.words.labels, logo: composer.logo))
        }
    }

    /// PNG through librsvg's rsvg-convert, which scripts/setup installs.
    static func png(fromSVG svg: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/rsvg-convert")
        process.arguments = ["--format", "png", "--background-color", "white"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { throw ReceiptCommandError.noConverter }
        input.fileHandleForWriting.write(Data(svg.utf8))
        try input.fileHandleForWriting.close()
        let png = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, !png.isEmpty else { throw ReceiptCommandError.noConverter }
        return [UInt8](png)
    }
}

public enum ReceiptCommandError: Error, CustomStringConvertible {
    case noJournal(String)
    case noSale(String)
    case noConverter

    public var description: String {
        switch self {
        case .noJournal(let path): return "no journal at \(path)"
        case .noSale(let id): return "no sale \(id) in the journal (see `kiosk journal show`)"
        case .noConverter: return "PNG needs rsvg-convert (Debian librsvg2-bin); use --format svg instead"
        }
    }
}
