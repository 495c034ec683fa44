import Foundation
import KioskTestSupport
import Testing
@testable import Vision

/// Generated camera frames (scripts/make-frames --set test: EAN-13, UPC-A, Code 128, GS1-128, QR
/// text and 18-digit payment codes at 640x480 and 1280x720 with rotation, perspective, blur,
/// noise and uneven light) through the real libzbar pipeline.
@Suite struct DecoderTests {
    // Yields between frames, as the fuzzers do: other suites' servers and polls share the pool.
    @Test func everyGeneratedFrameDecodesToItsPayload() async throws {
        let decoder = try FrameDecoder()
        let entries = try TestFrames.manifest().filter { !$0.isEmpty && $0.label != "upce" && $0.label != "dm-damaged" }
        #expect(entries.count >= 18)
        #expect(Set(entries.map(\.label)).isSuperset(of: ["ean13", "upca", "code128", "gs1-128", "qr-text", "qr-payment",
                                                          "gs1-datamatrix", "dm-text"]))
        #expect(entries.contains { $0.file.pathExtension == "png" })
        for entry in entries {
            await Task.yield()
            let symbols = decoder.decode(try ImageFile.load(path: entry.file.path))
            #expect(symbols.map(\.name) == [entry.symbology], "\(entry)")
            #expect(symbols.map(\.data) == [entry.data], "\(entry)")
        }
    }

    @Test func emptyFramesYieldNothing() throws {
        let decoder = try ZBarDecoder()
        let empties = try TestFrames.manifest().filter(\.isEmpty)
        #expect(empties.count >= 2)
        for entry in empties {
            #expect(decoder.decode(try ImageFile.load(path: entry.file.path)).isEmpty, "\(entry)")
        }
        #expect(decoder.decode(flatFrame(width: 640, height: 480, value: 128)).isEmpty)
        #expect(decoder.decode(flatFrame(width: 1, height: 1, value: 0)).isEmpty)
    }

    @Test func symbolsCarryTheirAIMIdentifierAndPosition() throws {
        let decoder = try ZBarDecoder()
        let gs1 = try TestFrames.entry("gs1-128", "1280x720")
        let symbol = try #require(decoder.decode(try ImageFile.load(path: gs1.file.path)).first)
        #expect(symbol.symbology == .code128 && symbol.isGS1 && symbol.aimIdentifier == "]C1")
        #expect(symbol.data == "01095011015300031725010110AB12")
        #expect(symbol.bounds.width > 200 && symbol.bounds.height > 10)
        #expect(symbol.bounds.x >= 0 && symbol.bounds.x + symbol.bounds.width <= 1280)
        #expect(symbol.bounds.y >= 0 && symbol.bounds.y + symbol.bounds.height <= 720)

        let upca = try TestFrames.entry("upca", "640x480")
        let upc = try #require(decoder.decode(try ImageFile.load(path: upca.file.path)).first)
        #expect(upc.symbology == .upca && upc.aimIdentifier == "]E0" && upc.data == "036000291452")

        let payment = try TestFrames.entry("qr-payment", "1280x720")
        let qr = try #require(decoder.decode(try ImageFile.load(path: payment.file.path)).first)
        #expect(qr.symbology == .qrcode && qr.aimIdentifier == "]Q1" && qr.data.count == 18)
    }

    @Test func upcEIsReadOnlyWhenAskedFor() throws {
        // zbar reports a UPC-E (or what it takes for one in half an EAN-13) expanded to UPC-A when
        // UPC-E is off: the kiosk keeps it on inside zbar and drops its reads instead.
        #expect(ZBarDecoder.zbarSymbologies([.ean13, .qrcode]) == [.ean13, .upce, .qrcode])
        #expect(ZBarDecoder.zbarSymbologies([.qrcode, .code128]) == [.qrcode, .code128])
        #expect(!Symbology.kioskDefault.contains(.upce))
        let frame = try ImageFile.load(path: try TestFrames.entry("upce", "1280x720").file.path)
        #expect(try ZBarDecoder().decode(frame).isEmpty)
        let withUPCE = try ZBarDecoder(settings: DecoderSettings(symbologies: Symbology.kioskDefault.union([.upce])))
        let symbol = try #require(withUPCE.decode(frame).first)
        #expect(symbol.symbology == .upce && symbol.data == "01234565" && symbol.aimIdentifier == "]E0")
    }

    @Test func onlyTheConfiguredSymbologiesAreRead() throws {
        let qrOnly = try ZBarDecoder(settings: DecoderSettings(symbologies: [.qrcode]))
        let eanOnly = try ZBarDecoder(settings: DecoderSettings(symbologies: [.ean13]))
        let ean = try ImageFile.load(path: try TestFrames.entry("ean13", "1280x720").file.path)
        let qr = try ImageFile.load(path: try TestFrames.entry("qr-text", "640x480").file.path)
        #expect(qrOnly.decode(ean).isEmpty)
        #expect(qrOnly.decode(qr).map(\.symbology) == [.qrcode])
        #expect(eanOnly.decode(qr).isEmpty)
        #expect(eanOnly.decode(ean).map(\.symbology) == [.ean13])
    }

    @Test func regionOfInterestAndDownscaleMapPositionsBackToTheFrame() throws {
        let frame = try ImageFile.load(path: try TestFrames.entry("qr-payment", "1280x720").file.path)
        let whole = try #require(try ZBarDecoder().decode(frame).first)
        let box = whole.bounds
        // A region around the code: found, at the same place in frame pixels.
        let around = Region(x: max(0, box.x - 60), y: max(0, box.y - 60), width: box.width + 120, height: box.height + 120)
        let cropped = try ZBarDecoder(settings: DecoderSettings(preprocessing: Preprocessing(regionOfInterest: around)))
        let inside = try #require(cropped.decode(frame).first)
        #expect(inside.data == whole.data)
        #expect(abs(inside.bounds.x - box.x) <= 2 && abs(inside.bounds.y - box.y) <= 2)
        // A region elsewhere: nothing.
        let elsewhere = Region(x: box.x + box.width + 40 < 1100 ? box.x + box.width + 40 : 0, y: 0, width: 150, height: 720)
        let blind = try ZBarDecoder(settings: DecoderSettings(preprocessing: Preprocessing(regionOfInterest: elsewhere)))
        #expect(blind.decode(frame).isEmpty)
        // Half size: the QR code is big enough to read, and its box is back in frame pixels.
        let halved = try ZBarDecoder(settings: DecoderSettings(preprocessing: Preprocessing(downscale: 2)))
        let small = try #require(halved.decode(frame).first)
        #expect(small.data == whole.data)
        #expect(abs(small.bounds.x - box.x) <= 4 && abs(small.bounds.width - box.width) <= 6)
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: DecoderError.self) { try ZBarDecoder(settings: DecoderSettings(density: 0)) }
    }

    @Test func symbologyNamesParse() throws {
        #expect(try Symbology.parse(["EAN13", "qrcode", "databar-exp"]) == [.ean13, .qrcode, .databarExpanded])
        #expect(try Symbology.parse(["ean13", "DataMatrix"]) == [.ean13, .datamatrix])
        #expect(throws: SymbologyError.unknown("aztec")) { try Symbology.parse(["ean13", "aztec"]) }
        #expect(throws: SymbologyError.empty) { try Symbology.parse([]) }
    }

    @Test func aimIdentifiers() {
        let expected: [(Symbology, Bool, String)] = [
            (.ean13, false, "]E0"), (.upca, false, "]E0"), (.upce, false, "]E0"), (.ean8, false, "]E4"),
            (.code128, false, "]C0"), (.code128, true, "]C1"), (.qrcode, false, "]Q1"), (.qrcode, true, "]Q3"),
            (.databar, true, "]e0"), (.databarExpanded, true, "]e0"), (.i25, false, "]I0"), (.code39, false, "]A0"),
            (.code93, false, "]G0"), (.codabar, false, "]F0"),
        ]
        for (symbology, gs1, aim) in expected { #expect(symbology.aimIdentifier(gs1: gs1) == aim, "\(symbology)") }
    }

    @Test func decodersOnSeparateThreadsDoNotInterfere() async throws {
        // One decoder per task, as the rule says; run side by side on the same frames.
        let entries = try TestFrames.manifest().filter { !$0.isEmpty }.prefix(6)
        let frames = try entries.map { try ImageFile.load(path: $0.file.path) }
        let expected = entries.map(\.data)
        try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let decoder = try ZBarDecoder()
                    return frames.map { decoder.decode($0).first?.data ?? "" }
                }
            }
            for try await result in group { #expect(result == Array(expected)) }
        }
    }
}
