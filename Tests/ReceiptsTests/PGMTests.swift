import Foundation
import KioskTestSupport
import Testing
@testable import Receipts

@Suite struct PGMTests {
    static func file(_ header: String, _ samples: [UInt8] = []) -> [UInt8] { Array(header.utf8) + samples }

    @Test func binaryP5() throws {
        let pgm = try PGM.parse(Self.file("P5\n# a comment\n3 2\n255\n", [0, 128, 255, 10, 20, 30]))
        #expect(pgm.width == 3 && pgm.height == 2)
        #expect(pgm.gray == [0, 128, 255, 10, 20, 30])
    }

    @Test func binarySamplesMayLookLikeWhitespaceOrDigits() throws {
        let pgm = try PGM.parse(Self.file("P5 2 2 255 ", [0x0A, 0x20, 0x23, 0x31]))
        #expect(pgm.gray == [0x0A, 0x20, 0x23, 0x31])
    }

    @Test func smallMaxvalIsScaledTo255() throws {
        #expect(try PGM.parse(Self.file("P5\n3 1\n15\n", [0, 7, 15])).gray == [0, 119, 255])
        #expect(try PGM.parse(Self.file("P2 2 1 1 0 1")).gray == [0, 255])
    }

    @Test func plainP2() throws {
        let pgm = try PGM.parse(Self.file("P2\n# made by hand\n3 2\n255\n0 128 255\n10 20 # inline\n30\n"))
        #expect(pgm.width == 3 && pgm.height == 2)
        #expect(pgm.gray == [0, 128, 255, 10, 20, 30])
    }

    @Test func truncatedFiles() {
        #expect(throws: PGMError.truncated(expected: 6, actual: 5)) { try PGM.parse(Self.file("P5\n3 2\n255\n", [1, 2, 3, 4, 5])) }
        #expect(throws: PGMError.truncated(expected: 6, actual: 0)) { try PGM.parse(Self.file("P5\n3 2\n255")) }
        #expect(throws: PGMError.truncated(expected: 6, actual: 4)) { try PGM.parse(Self.file("P2\n3 2\n255\n1 2 3 4\n")) }
        #expect(throws: PGMError.malformedHeader("height")) { try PGM.parse(Self.file("P5\n3")) }
        #expect(throws: PGMError.malformedHeader("width")) { try PGM.parse(Self.file("P5\n")) }
    }

    @Test(arguments: ["", "P", "P6\n1 1\n255\n\0\0\0", "GIF89a", "p5\n1 1\n255\n\0", "P55 1 1 255 \0", "\u{FEFF}P5 1 1 255 \0"])
    func badMagic(text: String) {
        #expect(throws: PGMError.notPGM) { try PGM.parse(Array(text.utf8)) }
    }

    @Test func sixteenBitFilesAreRefused() {
        #expect(throws: PGMError.unsupportedMaxval(65535)) { try PGM.parse(Self.file("P5\n1 1\n65535\n", [0, 0])) }
        #expect(throws: PGMError.unsupportedMaxval(256)) { try PGM.parse(Self.file("P2 1 1 256 0")) }
        #expect(throws: PGMError.unsupportedMaxval(0)) { try PGM.parse(Self.file("P2 1 1 0 0")) }
    }

    @Test func malformedHeadersAndSamples() {
        #expect(throws: PGMError.malformedHeader("width")) { try PGM.parse(Self.file("P5 x 1 255 ")) }
        #expect(throws: PGMError.malformedHeader("height")) { try PGM.parse(Self.file("P5 1 1a 255 ")) }
        #expect(throws: PGMError.malformedHeader("width")) { try PGM.parse(Self.file("P5 99999999999 1 255 ")) }
        #expect(throws: PGMError.invalidSize(width: 0, height: 1)) { try PGM.parse(Self.file("P5 0 1 255 ")) }
        #expect(throws: PGMError.invalidSize(width: 100_000, height: 100_000)) { try PGM.parse(Self.file("P5 100000 100000 255 ")) }
        #expect(throws: PGMError.badSample(index: 1)) { try PGM.parse(Self.file("P2 2 1 255 0 256")) }
        #expect(throws: PGMError.badSample(index: 0)) { try PGM.parse(Self.file("P2 2 1 255 x 1")) }
        #expect(throws: PGMError.badSample(index: 1)) { try PGM.parse(Self.file("P5 2 1 100 ", [100, 101])) }
    }

    /// assets/receipt/logo.pgm, read as the shell would read it.
    static func logoBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("assets/receipt/logo.pgm")))
    }

    @Test func theLogoAssetIsASmallP5ThatDithersToFitBothPapers() throws {
        let bytes = try Self.logoBytes()
        #expect(bytes.count < 50_000)
        #expect(bytes.starts(with: Array("P5".utf8)))
        let logo = try PGM.parse(bytes)
        #expect(logo.width == 300 && logo.height == 120)
        for profile in [PrinterProfile.generic58mm, .generic80mm] {
            let image = try MonochromeImage.dithered(gray: logo.gray, width: logo.width, height: logo.height, maxWidth: profile.dotsPerLine)
            #expect(image.width == 300)
            let share = Double(image.blackCount) / Double(image.width * image.height)
            #expect(share > 0.1 && share < 0.6)
        }
        // Anti-aliased: there are grays between black and white, but few.
        let grays = logo.gray.filter { $0 != 0 && $0 != 255 }.count
        #expect(grays > 100 && grays < logo.gray.count / 5)
    }
}
