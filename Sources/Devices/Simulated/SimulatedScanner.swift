import Peripherals

/// The scanner of demo and training mode, fed by the page's demo panel and `kiosk scan`.
public final class SimulatedScanner: BarcodeScanner {
    public let name = "simulated"
    private let input: AsyncStream<(ScannedCode, CheckedContinuation<ScanOutcome, Never>)>
    private let feed: AsyncStream<(ScannedCode, CheckedContinuation<ScanOutcome, Never>)>.Continuation

    public init() {
        (input, feed) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// "Scans" a code and returns what the lane made of it once `run` has delivered it;
    /// `.refused` once the scanner has stopped.
    public func scan(_ data: String) async -> ScanOutcome {
        await withCheckedContinuation { reply in
            // Read now: the lane's scan-to-cart latency (maintenance API, benchmarks) counts from here.
            let code = ScannedCode(data: data, source: name, readAt: ContinuousClock.now)
            if case .terminated = feed.yield((code, reply)) {
                reply.resume(returning: .refused(code: "scanner-stopped", message: "the simulated scanner is not running"))
            }
        }
    }

    public func run(deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome) async throws {
        for await (code, reply) in input {
            reply.resume(returning: await deliver(code))
        }
    }
}
