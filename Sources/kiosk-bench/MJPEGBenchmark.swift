import Foundation
import Vision

/// `kiosk-bench mjpeg [--repeats N] FILE.jpg ...`: MJPEGDecoder's luma decode per file, the median
/// of N, timed like scripts/bench-reference/mjpeg.c (file loading not timed). Prints, per file:
/// file <TAB> median ms <TAB> width x height.
func mjpegBenchmark(_ arguments: [String]) throws {
    var files = arguments
    var repeats = 20
    if files.first == "--repeats", files.count > 2, let n = Int(files[1]), n > 0 {
        repeats = n
        files.removeFirst(2)
    }
    guard !files.isEmpty else { fatalError("usage: kiosk-bench mjpeg [--repeats N] FILE.jpg ...") }
    let decoder = try MJPEGDecoder()
    let clock = ContinuousClock()
    for file in files {
        let jpeg = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var times: [Double] = []
        var size = (0, 0)
        for _ in 0..<repeats {
            let start = clock.now
            let frame = try decoder.luma(jpeg)
            times.append(milliseconds(clock.now - start))
            size = (frame.width, frame.height)
        }
        times.sort()
        print("\(file)\t\(String(format: "%.3f", times[repeats / 2]))\t\(size.0)x\(size.1)")
    }
}
