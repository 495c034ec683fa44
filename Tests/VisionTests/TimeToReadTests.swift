import Foundation
import KioskTestSupport
import Testing
@testable import Vision

/// Generated camera sequences (a code sliding into view with motion blur, then held; 2 s at 30 and
/// at 15 fps) through the camera thread's steps, frame by frame: FrameDecoder, then ScanConfirmer
/// with the rules for the frame rate. Which frame confirms the read, not how long it took.
@Suite struct TimeToReadTests {
    // Yields between frames, as the fuzzers do: other suites' servers and polls share the pool.
    @Test func eachSequenceIsConfirmedOnceByTheFrameItShouldBe() async throws {
        let sequences = try TestSequence.all()
        #expect(Set(sequences.map(\.fps)) == [15, 30])
        #expect(Set(sequences.map(\.symbology)) == ["ean13", "gs1-datamatrix"])
        let decoder = try FrameDecoder()
        var decoded: [URL: [DecodedSymbol]] = [:]
        for sequence in sequences {
            #expect(sequence.frames.count == 2 * sequence.fps, "\(sequence)")
            let expected: Symbology = sequence.symbology == "ean13" ? .ean13 : .datamatrix
            let rules = ConfirmationRules.forFrameRate(Double(sequence.fps))
            var confirmer = ScanConfirmer(rules: rules)
            var scans: [(index: Int, reading: SymbolReading)] = []
            for (index, file) in sequence.frames.enumerated() {
                await Task.yield()
                if decoded[file] == nil { decoded[file] = decoder.decode(try ImageFile.load(path: file.path)) }
                scans += confirmer.observe(decoded[file]!).map { (index, $0) }
            }
            // One scan for the whole time in view, of the right code.
            #expect(scans.map(\.reading) == [SymbolReading(symbology: expected, isGS1: sequence.symbology.hasPrefix("gs1"), data: sequence.data)],
                    "\(sequence)")
            // At the latest when the frames needed at rest have been seen (the blurred entry may already do).
            let latest = sequence.entered + rules.framesNeeded(expected) - 1
            #expect(scans.first.map { $0.index <= latest } == true, "\(sequence): confirmed at \(scans.first?.index ?? -1), latest \(latest)")
        }
    }
}
