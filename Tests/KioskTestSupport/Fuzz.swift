import Foundation
import Synchronization

/// The fuzz tests' harness: every parser that takes outside input is fed `iterations` generated
/// and mutated inputs, each checked for a property (a value or a typed error, and whatever is
/// accepted satisfies the parser's invariants).
///
/// - `KIOSK_FUZZ_ITERATIONS`: inputs per target (scripts/fuzz sets 1,000,000; CI uses the
///   test's small default).
/// - `KIOSK_FUZZ_SEED`: mixed into every target's seed, to explore other inputs than CI's.
/// - `KIOSK_FUZZ_INPUT`: replay one input by its number (a failure prints both).
///
/// Input `n` is made by a generator seeded from the run's seed and `n` alone, so one input
/// replays without the others. A watchdog aborts with the input's number when one input runs
/// for `KIOSK_FUZZ_HANG_SECONDS` (60; time spent waiting for a thread between inputs does not
/// count): a parser must bound its work per input.
public enum Fuzz {
    public enum Verdict: Sendable, Equatable {
        case accepted
        case refused
        /// A property does not hold: what went wrong.
        case wrong(String)
    }

    public struct Report: Sendable, CustomStringConvertible {
        public let target: String
        public let seed: UInt64
        public var inputs = 0
        public var accepted = 0
        public var refused = 0
        public var seconds = 0.0
        public var slowest = (input: 0, seconds: 0.0)
        /// The first few failures, each with its input and how to replay it.
        public var failures: [String] = []

        public var description: String {
            "fuzz \(target): \(inputs) inputs, \(accepted) accepted, \(refused) refused, "
                + String(format: "%.1f s, slowest input #%d %.1f ms, seed 0x%llx", seconds, slowest.input,
                         slowest.seconds * 1000, seed)
        }
    }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Inputs per target: `KIOSK_FUZZ_ITERATIONS`, else `ci`.
    public static func iterations(ci: Int) -> Int {
        environment["KIOSK_FUZZ_ITERATIONS"].flatMap { Int($0.replacingOccurrences(of: "_", with: "")) } ?? ci
    }

    /// The target's seed, with `KIOSK_FUZZ_SEED` mixed in when set.
    public static func seed(_ target: UInt64) -> UInt64 {
        guard let text = environment["KIOSK_FUZZ_SEED"] else { return target }
        let extra = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
        return target ^ (extra ?? 0)
    }

    /// The generator of input `n` of a run with `seed`.
    public static func generator(seed: UInt64, input n: Int) -> SplitMix64 {
        var mix = SplitMix64(seed: seed ^ (UInt64(n) &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mix.next())
    }

    /// Feeds `iterations(ci:)` inputs made by `make` to `check`; prints and returns the tally.
    /// `show` renders an input in a failure message.
    public static func run<Input>(
        _ target: String, seed targetSeed: UInt64, ci: Int,
        make: (inout SplitMix64) -> Input,
        show: (Input) -> String = { String(reflecting: $0) },
        check: (Input) async -> Verdict
    ) async -> Report {
        let seed = seed(targetSeed)
        var report = Report(target: target, seed: seed)
        let numbers: Range<Int>
        if let only = environment["KIOSK_FUZZ_INPUT"].flatMap({ Int($0) }) { numbers = only..<(only + 1) } else {
            numbers = 0..<iterations(ci: ci)
        }
        // One target at a time (two in the long variant): each keeps a thread of the cooperative
        // pool busy, and the suite's other tests need the rest (servers, timers, processes).
        await turns.begin()
        let watchdog = Watchdog(target: target, seed: seed)
        defer { watchdog.stop() }
        let start = ContinuousClock.now
        var yielded = start
        for n in numbers {
            // The suite's other tests share the cooperative pool (two threads on two cores): let
            // them run every 20 ms of fuzzing, however slow the inputs or the machine.
            if ContinuousClock.now - yielded >= .milliseconds(20) {
                // Waiting for a thread is not working on an input: the watchdog does not count it.
                watchdog.begin(-1)
                await Task.yield()
                yielded = ContinuousClock.now
            }
            watchdog.begin(n)
            var random = generator(seed: seed, input: n)
            let input = make(&random)
            let began = ContinuousClock.now
            let verdict = await check(input)
            let took = (ContinuousClock.now - began) / .seconds(1)
            if took > report.slowest.seconds { report.slowest = (n, took) }
            report.inputs += 1
            switch verdict {
            case .accepted: report.accepted += 1
            case .refused: report.refused += 1
            case .wrong(let problem):
                if report.failures.count < 10 {
                    report.failures.append("\(problem)\n  input #\(n) (KIOSK_FUZZ_SEED=0x\(String(seed ^ targetSeed, radix: 16)) "
                        + "KIOSK_FUZZ_INPUT=\(n)): \(show(input))")
                }
            }
        }
        report.seconds = (ContinuousClock.now - start) / .seconds(1)
        await turns.end()
        print(report)
        return report
    }

    static let turns = Turns(limit: environment["KIOSK_FUZZ_ITERATIONS"] == nil ? 1 : 2)

    /// A counting semaphore for tasks.
    actor Turns {
        let limit: Int
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []

        init(limit: Int) { self.limit = limit }

        func begin() async {
            if running < limit {
                running += 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        /// Hands the turn to the next waiting target, if any.
        func end() {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
    }

    /// Aborts the test process, naming the input, when one input runs too long.
    final class Watchdog: Sendable {
        let current = Atomic<Int>(-1)
        let stopped = Atomic<Bool>(false)

        init(target: String, seed: UInt64) {
            let limit = Fuzz.environment["KIOSK_FUZZ_HANG_SECONDS"].flatMap { Int($0) } ?? 60
            let thread = Thread { [self] in
                var last = -1, still = 0
                while !stopped.load(ordering: .relaxed) {
                    Thread.sleep(forTimeInterval: 1)
                    let now = current.load(ordering: .relaxed)
                    still = now == last && now >= 0 ? still + 1 : 0
                    last = now
                    if still >= limit {
                        fatalError("fuzz \(target): input #\(now) of seed 0x\(String(seed, radix: 16)) still running after \(limit) s")
                    }
                }
            }
            thread.start()
        }

        func begin(_ n: Int) { current.store(n, ordering: .relaxed) }
        func stop() { stopped.store(true, ordering: .relaxed) }
    }
}

/// Mutations of valid inputs, as the fuzz tests apply them: bit flips, byte insertions and
/// deletions, splices, boundary values, long runs, invalid UTF-8, control characters and tokens of
/// the format. Runs are bounded (a few thousand bytes) so every input stays cheap.
public enum Mutation {
    static let boundaries: [[UInt8]] = [
        "0", "-0", "-1", "1e400", "-1e400", "0.0000000001", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "2147483648", "4294967296", "99999999999999999999", "NaN",
        "null", "true", "\"\"", "[]", "{}", "1E+2", "0x10", ".5", "5.", "+1",
    ].map { Array($0.utf8) }
    static let invalidUTF8: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE4, 0xB8],
                                         [0xFF], [0xFE, 0xFF], [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBB, 0xBF]]
    static let controls: [UInt8] = [0x00, 0x1D, 0x1E, 0x04, 0x0D, 0x0A, 0x09, 0x1B, 0x7F, 0x08, 0x0C]
    static let digitRun = Array("1234567890123456789".utf8)

    /// One to four mutations of `bytes`; `tokens` are words of the format (keys, separators),
    /// `others` inputs to splice from.
    public static func mutate(_ bytes: inout [UInt8], _ r: inout SplitMix64, tokens: [[UInt8]] = [], others: [[UInt8]] = []) {
        for _ in 0..<(1 + r.below(4)) {
            let at = r.below(bytes.count + 1)
            switch r.below(tokens.isEmpty ? 13 : 15) {
            case 0: if at < bytes.count { bytes[at] ^= 1 << UInt8(r.below(8)) }                  // bit flip
            case 1: if at < bytes.count { bytes[at] = UInt8(r.below(256)) }                       // random byte
            case 2: bytes.insert(UInt8(r.below(256)), at: at)                                     // insert a byte
            case 3: bytes.removeSubrange(at..<min(bytes.count, at + 1 + r.below(8)))              // delete bytes
            case 4: bytes.insert(contentsOf: bytes[at...].prefix(1 + r.below(16)), at: at)        // repeat a slice
            case 5: bytes = Array(bytes.prefix(at))                                               // truncate
            case 6: bytes.insert(contentsOf: r.pick(boundaries), at: at)                          // boundary value
            case 7:                                                                               // long run
                let run = r.chance(50) ? [UInt8](repeating: bytes[at...].first ?? 0x41, count: 1 + r.below(4096))
                    : Array(repeatElement(digitRun, count: 1 + r.below(50)).joined())
                bytes.insert(contentsOf: run, at: at)
            case 8: bytes.insert(contentsOf: r.pick(invalidUTF8), at: at)                         // invalid UTF-8
            case 9: bytes.insert(r.pick(controls), at: at)                                        // control character
            case 10:                                                                              // splice
                guard !others.isEmpty else { fallthrough }
                let other = r.pick(others)
                let from = r.below(other.count + 1)
                bytes = Array(bytes.prefix(at)) + other[from...].prefix(r.below(64))
            case 11: if at < bytes.count { bytes.swapAt(at, r.below(bytes.count)) }               // swap two bytes
            case 12: bytes.insert(contentsOf: "中é🛒".utf8.prefix(r.below(10)), at: at)             // multi-byte (maybe cut)
            default: bytes.insert(contentsOf: r.pick(tokens), at: at)                             // a word of the format
            }
        }
    }

    /// A JSON value nested `depth` deep (arrays or objects), the usual stack-overflow attack.
    public static func deepJSON(_ depth: Int, object: Bool) -> [UInt8] {
        object ? Array(repeating: Array(#"{"a":"#.utf8), count: depth).flatMap { $0 } + Array("1".utf8) + Array(repeating: UInt8(ascii: "}"), count: depth)
            : Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
    }
}

/// The fuzz tests' draws (modulo, a little biased: the corpora depend on these exact draws).
extension SplitMix64 {
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
