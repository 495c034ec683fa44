// kiosk-bench decode DIR [--repeats N] [--density N] [--no-smoothing] [--edge-threshold N] [--symbologies a,b]
// The Swift half of `scripts/bench decode`: the Vision pipeline (smoothing, one ZBarDecoder, results
// copied out) on the PGM frames listed in DIR/manifest.tsv, with the same settings, timer, repeats
// and output as scripts/bench-reference/decode.c. Frames are loaded before timing starts.
// Per frame:  file <TAB> median ms <TAB> symbols <TAB> symbology:x0,y0,x1,y1:data ...
// Then per shot (the manifest's consecutive frames of one held code), what ScanConfirmer makes of
// them with the kiosk's rules:  #shot <TAB> shot <TAB> scans <TAB> symbology:data ...
import Foundation
import Vision

func decodeBenchmark(_ arguments: [String]) throws {
    var directory: String?
    var repeats = 5
    var settings = DecoderSettings()
    var index = 0
    func value() -> String {
        index += 1
        guard index < arguments.count else { fatalError("\(arguments[index - 1]) needs a value") }
        return arguments[index]
    }
    while index < arguments.count {
        switch arguments[index] {
        case "--repeats": repeats = Int(value()) ?? 0
        case "--density": settings.density = Int(value()) ?? 0
        case "--no-smoothing": settings.preprocessing.smoothing = false
        case "--edge-threshold":
            guard let threshold = Int(value()), threshold >= 0 else { fatalError("--edge-threshold is 0 (scan everywhere) or more") }
            settings.scanArea = threshold == 0 ? nil : ScanArea(threshold: threshold)
        case "--symbologies": settings.symbologies = try Symbology.parse(value().split(separator: ",").map(String.init))
        case let argument where !argument.hasPrefix("-") && directory == nil: directory = argument
        default: fatalError("usage: kiosk-bench decode DIR [--repeats N] [--density N] [--no-smoothing] [--edge-threshold N] [--symbologies a,b]")
        }
        index += 1
    }
    guard let directory, repeats >= 1 else { fatalError("usage: kiosk-bench decode DIR [--repeats N] ...") }
    let decoder = try FrameDecoder(settings: settings)

    let manifest = try String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8)
    var shots: [(name: String, frames: [[DecodedSymbol]])] = []
    var times = [UInt64](repeating: 0, count: repeats)
    var output = ""
    for line in manifest.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        let file = String(fields[0])
        guard file.hasSuffix(".pgm") else { continue } // as decode.c: PGM frames only
        let frame = try ImageFile.load(path: directory + "/" + file)
        var symbols: [DecodedSymbol] = []
        for r in 0..<repeats {
            let start = monotonicNanoseconds()
            symbols = decoder.decode(frame)
            times[r] = monotonicNanoseconds() - start
        }
        times.sort()
        output += "\(file)\t\(String(format: "%.4f", Double(times[repeats / 2]) / 1e6))\t\(symbols.count)"
        for symbol in symbols {
            let box = symbol.bounds
            output += "\t\(symbol.name):\(box.x),\(box.y),\(box.x + box.width),\(box.y + box.height):\(escaped(symbol.data))"
        }
        output += "\n"
        let shot = fields.count > 4 ? String(fields[4]) : file
        if shots.last?.name == shot { shots[shots.count - 1].frames.append(symbols) } else { shots.append((shot, [symbols])) }
    }
    // Each shot as a camera would see it: its frames, then the code gone for long enough to release it.
    let rules = ConfirmationRules.forFrameRate(15)
    for shot in shots {
        var confirmer = ScanConfirmer(rules: rules)
        var scans: [SymbolReading] = []
        for frame in shot.frames { scans += confirmer.observe(frame) }
        for _ in 0..<rules.releaseFrames { scans += confirmer.observe([SymbolReading]()) }
        output += "#shot\t\(shot.name)\t\(scans.count)"
        for scan in scans {
            output += "\t\(scan.name):\(escaped(scan.data))"
        }
        output += "\n"
    }
    FileHandle.standardOutput.write(Data(output.utf8))
}

/// Bytes below 0x20, 0x7f and backslash as \xNN, the rest as they are (as decode.c writes them).
func escaped(_ text: String) -> String {
    var bytes: [UInt8] = []
    for byte in text.utf8 {
        if byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\\") {
            bytes += Array(String(format: "\\x%02x", byte).utf8)
        } else {
            bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}
