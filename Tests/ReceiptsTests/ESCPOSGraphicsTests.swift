import Testing
@testable import Receipts

/// Golden bytes for the image, code and drawer commands.
@Suite struct ESCPOSGraphicsTests {
    static let profile = PrinterProfile(name: "Test", paperWidth: .mm80, supportsChinese: true, cutter: true)

    func bytes(_ commands: ESCPOSCommand...) -> [UInt8] {
        ESCPOSEncoder(profile: Self.profile).encode(commands)
    }

    @Test func rasterHeaderAndRows() throws {
        // 10 dots wide: 2 bytes a row, the spare 6 bits zero.
        var image = MonochromeImage(width: 10, height: 3)
        image[0, 0] = true
        image[9, 0] = true
        image[1, 1] = true
        image[8, 2] = true
        #expect(image.packed == [0x80, 0x40, 0x40, 0x00, 0x00, 0x80])
        #expect(bytes(.raster(image)) == [0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03, 0x00, 0x80, 0x40, 0x40, 0x00, 0x00, 0x80])
    }

    @Test func tallImagesAreSentInBandsOfAtMost255Rows() throws {
        var image = MonochromeImage(width: 16, height: 600)
        for y in 0..<600 { image[y % 16, y] = true }
        let encoded = bytes(.raster(image))
        let header: (Int) -> [UInt8] = { rows in [0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, UInt8(rows & 0xFF), UInt8(rows >> 8)] }
        var expected = header(255) + image.packed[0..<510]
        expected += header(255) + image.packed[510..<1020]
        expected += header(90) + image.packed[1020..<1200]
        #expect(encoded == expected)
        #expect(ESCPOSEncoder.rasterBandHeight == 255)
        // The emulator joins the bands back into the same picture.
        let printout = try PrinterEmulator.printout(encoded)
        #expect(printout.graphics == [.raster(image, bands: 3)])
    }

    @Test func anImageOfExactlyOneBandIsOneCommand() {
        let encoded = bytes(.raster(MonochromeImage(width: 8, height: 255)))
        #expect(encoded.count == 8 + 255)
        #expect(Array(encoded.prefix(8)) == [0x1D, 0x76, 0x30, 0x00, 0x01, 0x00, 0xFF, 0x00])
    }

    @Test func emptyImagesSendNothing() {
        #expect(bytes(.raster(MonochromeImage(width: 0, height: 5))) == [])
        #expect(bytes(.raster(MonochromeImage(width: 5, height: 0))) == [])
    }

    @Test func nativeQRCodeSequenceForAShortURL() {
        let url = "https://ex.am/p"  // 15 bytes: pL = 15 + 3
        let expected: [UInt8] = [
            0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00,  // fn 165: model 2
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x04,        // fn 167: module 4 dots
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31,        // fn 169: level M
            0x1D, 0x28, 0x6B, 0x12, 0x00, 0x31, 0x50, 0x30,        // fn 180: store 15 bytes
        ] + Array(url.utf8) + [
            0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30,        // fn 181: print
        ]
        #expect(bytes(.qrCode(url, moduleSize: 4, errorCorrection: .medium)) == expected)
    }

    @Test(arguments: [
        (QRCode.ErrorCorrection.low, UInt8(0x30)), (.medium, 0x31), (.quartile, 0x32), (.high, 0x33),
    ])
    func qrErrorCorrectionLevels(level: QRCode.ErrorCorrection, byte: UInt8) {
        #expect(bytes(.qrCode("A", moduleSize: 3, errorCorrection: level))[17...24] == [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, byte])
    }

    @Test func qrModuleSizeIsClampedAndLongDataUsesTheHighByte() {
        #expect(bytes(.qrCode("A", moduleSize: 0, errorCorrection: .low))[16] == 1)
        #expect(bytes(.qrCode("A", moduleSize: 99, errorCorrection: .low))[16] == 16)
        let long = String(repeating: "x", count: 300)
        let store = bytes(.qrCode(long, moduleSize: 3, errorCorrection: .low))[25...32]
        #expect(Array(store) == [0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30])  // 303 = 0x012F
    }

    @Test func qrDataTheCommandCannotHoldSendsNothing() {
        #expect(bytes(.qrCode("", moduleSize: 3, errorCorrection: .low)) == [])
        #expect(bytes(.qrCode(String(repeating: "9", count: ESCPOSEncoder.maximumQRBytes + 1), moduleSize: 3, errorCorrection: .low)) == [])
        #expect(bytes(.qrCode(String(repeating: "9", count: ESCPOSEncoder.maximumQRBytes), moduleSize: 3, errorCorrection: .low)).count > 7089)
    }

    @Test func code128Sequence() {
        let expected: [UInt8] = [
            0x1D, 0x68, 0x50,        // GS h 80 dots
            0x1D, 0x77, 0x02,        // GS w 2
            0x1D, 0x48, 0x00,        // GS H: no text
            0x1D, 0x6B, 0x49, 0x0C,  // GS k 73, 12 bytes
            0x7B, 0x42,              // {B
        ] + Array("L03-000127".utf8)
        #expect(bytes(.barcode128("L03-000127", height: 80, moduleWidth: 2, humanReadable: false)) == expected)
    }

    @Test func code128EscapesBracesClampsAndPrintsTextBelow() {
        #expect(bytes(.barcode128("a{b", height: 0, moduleWidth: 9, humanReadable: true))
                == [0x1D, 0x68, 0x01, 0x1D, 0x77, 0x06, 0x1D, 0x48, 0x02, 0x1D, 0x6B, 0x49, 0x06, 0x7B, 0x42, 0x61, 0x7B, 0x7B, 0x62])
        #expect(bytes(.barcode128("x", height: 999, moduleWidth: 1, humanReadable: false)).prefix(6) == [0x1D, 0x68, 0xFF, 0x1D, 0x77, 0x02])
    }

    @Test(arguments: ["", "价格", "tab\there", "é", String(repeating: "7", count: 254)])
    func code128TextTheCommandCannotHoldSendsNothing(text: String) {
        #expect(ESCPOSEncoder.code128Data(text) == nil)
        #expect(bytes(.barcode128(text, height: 80, moduleWidth: 2, humanReadable: true)) == [])
    }

    @Test func code128DataAtTheLimit() {
        #expect(ESCPOSEncoder.code128Data(String(repeating: "7", count: 253))?.count == 255)
    }

    @Test func drawerKick() {
        #expect(bytes(.drawerKick(pin: 0)) == [0x1B, 0x70, 0x00, 0x32, 0xFA])
        #expect(bytes(.drawerKick(pin: 1)) == [0x1B, 0x70, 0x01, 0x32, 0xFA])
        #expect(bytes(.drawerKick(pin: 7)) == [0x1B, 0x70, 0x01, 0x32, 0xFA])
        #expect(bytes(.drawerKick(pin: -1)) == [0x1B, 0x70, 0x00, 0x32, 0xFA])
    }
}
