import ArgumentParser
import Foundation
import Vision

/// `kiosk decode FILE... [--json]`: the camera's decode pipeline on still images.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode barcodes in image files (PGM, PPM, PNG) the way the lane's camera does.",
        discussion: """
            Prints each code's symbology, AIM identifier, data and position (the box around it, in \
            pixels, and which way it reads). Control characters in the data (GS between GS1 fields) \
            are shown as \\xNN.
            Exit status: 0 when at least one code was found, 1 when none was, 2 when a file could not \
            be read (the other files are still decoded).
            """)

    @Argument(help: "Image files: PGM or PPM (P2, P3, P5, P6) or PNG.")
    var files: [String]

    @Flag(help: "Print JSON: one object per file, with its symbols or its error.")
    var json = false

    @Option(help: ArgumentHelp("Comma-separated symbologies (default: the kiosk's).",
                               discussion: "Known: \(Symbology.allCases.map(\.rawValue).joined(separator: ", "))."))
    var symbologies: String?

    @Option(help: "zbar scans every Nth row and column.")
    var density = 2

    @Flag(help: "Skip the 3x3 smoothing before zbar.")
    var noSmoothing = false

    @Option(help: "zbar scans only around the parts with edges (at most this many grey levels needed); 0: everywhere.")
    var edgeThreshold = ScanArea().threshold

    @Option(help: "Only scan this part of each image: X,Y,WIDTH,HEIGHT in pixels.")
    var region: String?

    @Option(help: "1, or 2 to average each 2x2 block first.")
    var downscale = 1

    /// --region parsed: four whole numbers, a positive size.
    var regionOfInterest: Region? {
        get throws {
            guard let region else { return nil }
            let parts = region.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 4, let x = parts[0], let y = parts[1], let w = parts[2], let h = parts[3],
                  x >= 0, y >= 0, w > 0, h > 0 else {
                throw ValidationError("--region must be X,Y,WIDTH,HEIGHT, e.g. 320,180,640,360")
            }
            return Region(x: x, y: y, width: w, height: h)
        }
    }

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one image file") }
        guard (1...8).contains(density) else { throw ValidationError("--density must be 1...8") }
        guard downscale == 1 || downscale == 2 else { throw ValidationError("--downscale must be 1 or 2") }
        guard (0...255).contains(edgeThreshold) else { throw ValidationError("--edge-threshold must be 0...255") }
        _ = try regionOfInterest
        if let symbologies {
            do { _ = try Symbology.parse(symbologies.split(separator: ",").map(String.init)) } catch {
                throw ValidationError("--symbologies: \(error)")
            }
        }
    }

    func run() throws {
        var settings = DecoderSettings(density: density, preprocessing: Preprocessing(
            smoothing: !noSmoothing, regionOfInterest: try regionOfInterest, downscale: downscale),
            scanArea: edgeThreshold > 0 ? ScanArea(threshold: edgeThreshold) : nil)
        if let symbologies { settings.symbologies = try Symbology.parse(symbologies.split(separator: ",").map(String.init)) }
        let decoder = try FrameDecoder(settings: settings)

        var reports: [FileReport] = []
        for file in files {
            do {
                let frame = try ImageFile.load(path: file)
                reports.append(FileReport(file: file, width: frame.width, height: frame.height,
                                          symbols: decoder.decode(frame).map(SymbolReport.init), error: nil))
            } catch {
                reports.append(FileReport(file: file, width: nil, height: nil, symbols: nil, error: error.description))
            }
        }

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(reports), as: UTF8.self))
        } else {
            for report in reports {
                if let symbols = report.symbols {
                    if symbols.isEmpty { print("\(report.file): nothing found") }
                    for symbol in symbols {
                        let box = symbol.position
                        print("\(report.file): \(symbol.symbology) \(symbol.aim) \(Self.printable(symbol.data)) "
                              + "at \(box.x),\(box.y) \(box.width)x\(box.height)\(symbol.orientation.map { " (\($0))" } ?? "")")
                    }
                }
            }
        }
        // Errors go to stderr in both formats, so a script sees them.
        for report in reports {
            if let error = report.error { FileHandle.standardError.write(Data("kiosk decode: \(error)\n".utf8)) }
        }
        if reports.contains(where: { $0.error != nil }) { throw ExitCode(2) }
        if !reports.contains(where: { !($0.symbols ?? []).isEmpty }) { throw ExitCode(1) }
    }

    struct FileReport: Encodable {
        let file: String
        let width: Int?
        let height: Int?
        let symbols: [SymbolReport]?
        let error: String?
    }

    struct SymbolReport: Encodable {
        let symbology: String
        let aim: String
        let data: String
        let position: Region
        let orientation: String?
        let quality: Int

        init(_ symbol: DecodedSymbol) {
            symbology = symbol.name
            aim = symbol.aimIdentifier
            data = symbol.data
            position = symbol.bounds
            orientation = symbol.orientation
            quality = symbol.quality
        }
    }

    /// Control characters as \xNN (GS between GS1 fields), the rest as it is.
    static func printable(_ data: String) -> String {
        var out = ""
        for scalar in data.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += String(format: "\\x%02x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
