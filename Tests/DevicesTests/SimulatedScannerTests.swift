import Devices
import Foundation
import KioskTestSupport
import Peripherals
import Testing

/// A lane stand-in: accepts digits, refuses anything else with the code as the message, so every
/// answer can be traced back to its scan.
@Sendable func fakeLane(_ code: ScannedCode) async -> ScanOutcome {
    code.data.allSatisfy(\.isNumber) ? .accepted : .refused(code: "bad-code", message: code.data)
}

@Suite struct SimulatedScannerTests {

    @Test func scanReturnsWhatTheLaneMadeOfItInOrder() async throws {
        let scanner = SimulatedScanner()
        #expect(scanner.name == "simulated")
        let recorder = Recorder()
        let sources = SourceLog()
        let running = Task {
            try await scanner.run { code in
                recorder.begin(code.data)
                await sources.add(code)
                defer { recorder.end() }
                return await fakeLane(code)
            }
        }
        defer { running.cancel() }
        let codes = ["6900000000012", "hello", "4006381333931", "x", "123"]
        let task = Task {
            var outcomes: [ScanOutcome] = []
            for code in codes { outcomes.append(await scanner.scan(code)) }
            return outcomes
        }
        let outcomes = try await value(of: task)
        #expect(outcomes == [.accepted, .refused(code: "bad-code", message: "hello"), .accepted,
                             .refused(code: "bad-code", message: "x"), .accepted])
        #expect(recorder.seen == codes)
        let delivered = await sources.codes
        #expect(delivered.allSatisfy { $0.source == "simulated" && $0.symbology == nil })
    }

    @Test func aBurstIsDeliveredOneAtATimeAndEachScanGetsItsOwnAnswer() async throws {
        let scanner = SimulatedScanner()
        let recorder = Recorder()
        let running = Task {
            try await scanner.run { code in
                recorder.begin(code.data)
                defer { recorder.end() }
                try? await Task.sleep(for: .milliseconds(5))
                return .refused(code: "echo", message: code.data)
            }
        }
        defer { running.cancel() }
        let burst = Task {
            await withTaskGroup(of: (String, ScanOutcome).self) { group in
                for i in 0..<20 { group.addTask { ("c\(i)", await scanner.scan("c\(i)")) } }
                return await group.reduce(into: [(String, ScanOutcome)]()) { $0.append($1) }
            }
        }
        let answers = try await value(of: burst)
        #expect(answers.count == 20)
        for (code, outcome) in answers { #expect(outcome == .refused(code: "echo", message: code)) }
        #expect(recorder.maxActive == 1, "the lane takes one scan at a time")
        #expect(Set(recorder.seen) == Set((0..<20).map { "c\($0)" }))
        #expect(recorder.seen.count == 20, "none dropped, none delivered twice")
    }

    @Test func aScanBeforeTheScannerRunsWaitsAndIsDeliveredOnceItRuns() async throws {
        let scanner = SimulatedScanner()
        let pending = Task { await scanner.scan("6900000000012") }
        try await Task.sleep(for: .milliseconds(100))
        let recorder = Recorder()
        let running = Task {
            try await scanner.run { code in
                recorder.begin(code.data)
                defer { recorder.end() }
                return .accepted
            }
        }
        defer { running.cancel() }
        #expect(try await value(of: pending) == .accepted)
        #expect(recorder.seen == ["6900000000012"])
    }

    @Test func aScanAfterTheScannerStoppedIsRefusedAtOnce() async throws {
        let scanner = SimulatedScanner()
        let running = Task { try await scanner.run(deliver: fakeLane) }
        let first = Task { await scanner.scan("1") }
        #expect(try await value(of: first) == .accepted)
        running.cancel()
        // run ends without an error when its task is cancelled.
        let ended = Task { (try? await running.value) != nil }
        #expect(try await value(of: ended))

        let late = Task { await scanner.scan("2") }
        let outcome = try await value(of: late)
        guard case .refused(let code, let message) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(code == "scanner-stopped")
        #expect(!message.isEmpty)
    }

    @Test func scansQueuedWhenTheScannerStopsAreAllAnswered() async throws {
        let scanner = SimulatedScanner()
        let recorder = Recorder()
        let running = Task {
            try await scanner.run { code in
                recorder.begin(code.data)
                defer { recorder.end() }
                try? await Task.sleep(for: .milliseconds(30))
                return .accepted
            }
        }
        let burst = Task {
            await withTaskGroup(of: ScanOutcome.self) { group in
                for i in 0..<10 { group.addTask { await scanner.scan("\(i)") } }
                return await group.reduce(into: [ScanOutcome]()) { $0.append($1) }
            }
        }
        try await Task.sleep(for: .milliseconds(40))
        running.cancel()
        // Every caller gets an answer (delivered, or refused because the scanner stopped): none hangs.
        let outcomes = try await value(of: burst)
        #expect(outcomes.count == 10)
        for outcome in outcomes {
            switch outcome {
            case .accepted: break
            case .refused(let code, _): #expect(code == "scanner-stopped")
            }
        }
        #expect(recorder.seen.count == outcomes.filter { $0 == .accepted }.count)
    }
}

actor SourceLog {
    private(set) var codes: [ScannedCode] = []
    func add(_ code: ScannedCode) { codes.append(code) }
}
