@testable import Receipts

/// Reads back the ESC/POS our encoder writes, as a printer would show it: the printed text
/// lines, with GB18030 in Chinese mode and the ESC t code pages outside it decoded by glibc's
/// iconv (not by the encoder's tables), ESC R national glyphs applied, plus the images,
/// codes and drawer kicks in between. Commands the encoder never emits are an error, so a
/// stray byte cannot hide in a test.
struct PrinterEmulator {
    struct UnexpectedByte: Error { let offset: Int; let byte: UInt8 }

    /// Something printed or done other than text.
    enum Graphic: Equatable {
        /// Consecutive GS v 0 bands joined into one image.
        case raster(MonochromeImage, bands: Int)
        case qrCode(String, moduleSize: Int, errorCorrection: UInt8)
        case barcode128(String, height: Int, moduleWidth: Int, humanReadable: Bool)
        case drawerKick(pin: Int)
        case cut
    }

    struct Printout {
        var lines: [String] = []
        var graphics: [Graphic] = []
        /// For each graphic, how many text lines had been printed before it.
        var graphicLinePositions: [Int] = []
    }

    /// The ESC t tables the encoder may select, in Epson's numbering, as glibc names them.
    static let codeTables: [UInt8: String] = [0: "IBM437", 2: "IBM850", 16: "CP1252", 19: "IBM858"]

    /// `chineseModeAtReset` plays a Chinese model that is in Chinese mode at power-on and
    /// after ESC @, as many are: there bytes 0x80...0xFF are GB18030 until FS . arrives.
    static func printedLines(_ bytes: [UInt8], chineseModeAtReset: Bool = false) throws -> [String] {
        try printout(bytes, chineseModeAtReset: chineseModeAtReset).lines
    }

    static func printout(_ bytes: [UInt8], chineseModeAtReset: Bool = false) throws -> Printout {
        let gb18030 = try Iconv(from: "GB18030", to: "UTF-8")
        var out = Printout()
        var line = ""
        var characterSet: UInt8 = 0
        var chineseMode = chineseModeAtReset, codeTable: UInt8 = 0
        var qrData: [UInt8] = [], qrModule = 3, qrLevel: UInt8 = 48
        var barHeight = 162, barWidth = 3, hri: UInt8 = 0
        var i = 0
        func byte(_ offset: Int) throws -> UInt8 {
            guard i + offset < bytes.count else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
            return bytes[i + offset]
        }
        func word(_ offset: Int) throws -> Int { Int(try byte(offset)) | Int(try byte(offset + 1)) << 8 }
        func slice(_ from: Int, _ count: Int) throws -> [UInt8] {
            guard i + from + count <= bytes.count else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
            return Array(bytes[(i + from)..<(i + from + count)])
        }
        func add(_ graphic: Graphic) {
            out.graphics.append(graphic)
            out.graphicLinePositions.append(out.lines.count)
        }
        while i < bytes.count {
            switch (bytes[i], try? byte(1)) {
            case (0x1B, 0x40):                                         // ESC @
                (characterSet, chineseMode, codeTable) = (0, chineseModeAtReset, 0)
                i += 2
            case (0x1B, 0x61), (0x1B, 0x45), (0x1B, 0x2D), (0x1B, 0x64): i += 3
            case (0x1B, 0x52): characterSet = try byte(2); i += 3      // ESC R n
            case (0x1B, 0x74):                                         // ESC t n
                codeTable = try byte(2)
                guard Self.codeTables[codeTable] != nil else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
                i += 3
            case (0x1B, 0x70):                                         // ESC p m t1 t2
                add(.drawerKick(pin: Int(try byte(2))))
                i += 5
            case (0x1D, 0x21): i += 3                                  // GS ! n
            case (0x1D, 0x56):                                         // GS V m n
                add(.cut)
                i += 4
            case (0x1D, 0x76):                                         // GS v 0 m xL xH yL yH d...
                guard try byte(2) == 0x30, try byte(3) == 0 else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
                let bytesPerRow = try word(4), rows = try word(6)
                let band = try MonochromeImage(width: bytesPerRow * 8, height: rows, packed: slice(8, bytesPerRow * rows))
                if case .raster(let image, let bands)? = out.graphics.last, image.width == band.width,
                   out.graphicLinePositions.last == out.lines.count {
                    let joined = try MonochromeImage(width: image.width, height: image.height + rows, packed: image.packed + band.packed)
                    out.graphics[out.graphics.count - 1] = .raster(joined, bands: bands + 1)
                } else {
                    add(.raster(band, bands: 1))
                }
                i += 8 + bytesPerRow * rows
            case (0x1D, 0x28):                                         // GS ( k pL pH cn fn ...
                guard try byte(2) == 0x6B else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
                let length = try word(3)
                let parameters = try slice(5, length)
                guard parameters.count >= 3, parameters[0] == 0x31 else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
                switch parameters[1] {
                case 0x41: break                                       // model
                case 0x43: qrModule = Int(parameters[2])
                case 0x45: qrLevel = parameters[2]
                case 0x50: qrData = Array(parameters.dropFirst(3))
                case 0x51: add(.qrCode(String(decoding: qrData, as: UTF8.self), moduleSize: qrModule, errorCorrection: qrLevel))
                default: throw UnexpectedByte(offset: i, byte: bytes[i])
                }
                i += 5 + length
            case (0x1D, 0x68): barHeight = Int(try byte(2)); i += 3    // GS h n
            case (0x1D, 0x77): barWidth = Int(try byte(2)); i += 3     // GS w n
            case (0x1D, 0x48): hri = try byte(2); i += 3               // GS H n
            case (0x1D, 0x6B):                                         // GS k 73 n {B data
                guard try byte(2) == 0x49 else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
                let data = try slice(4, Int(try byte(3)))
                guard data.starts(with: [0x7B, 0x42]) else { throw UnexpectedByte(offset: i, byte: bytes[i]) }
                let text = String(decoding: data.dropFirst(2), as: UTF8.self).replacing("{{", with: "{")
                add(.barcode128(text, height: barHeight, moduleWidth: barWidth, humanReadable: hri != 0))
                i += 4 + data.count
            case (0x1C, 0x26): chineseMode = true; i += 2              // FS &
            case (0x1C, 0x2E): chineseMode = false; i += 2             // FS .
            case (let b, _) where b >= 0x80 && chineseMode:            // a GB18030 2-byte code
                line += String(decoding: try gb18030.convert(slice(0, 2)), as: UTF8.self)
                i += 2
            case (let b, _) where b >= 0x80:                           // one byte of the code page
                guard let name = Self.codeTables[codeTable] else { throw UnexpectedByte(offset: i, byte: b) }
                line += String(decoding: try Iconv(from: name, to: "UTF-8").convert([b]), as: UTF8.self)
                i += 1
            case (0x0A, _):
                out.lines.append(line)
                line = ""
                i += 1
            case (let b, _) where (0x20...0x7E).contains(b):
                if characterSet == 8, b == 0x5C { line += "¥" }
                else if characterSet == 3, b == 0x23 { line += "£" }
                else { line.append(Character(Unicode.Scalar(b))) }
                i += 1
            case (let b, _):
                throw UnexpectedByte(offset: i, byte: b)
            }
        }
        if !line.isEmpty { out.lines.append(line) }
        return out
    }
}
