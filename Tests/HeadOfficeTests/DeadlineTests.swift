import Deadlines
import Synchronization
import Testing

/// `withDeadline` gives up on a step that ignores cancellation, as a postgres-nio transaction did
/// when PostgreSQL shut down under it: the round must fail and be retried, and SIGTERM obeyed.
@Suite struct DeadlineTests {
    struct Expired: Error {}

    /// A step that never ends and never notices cancellation (a continuation nobody resumes).
    static func stuck(_ parked: Parked) async throws -> Int {
        await withCheckedContinuation { parked.keep($0) }
    }

    /// Holds the stuck step's continuation, to end it when the test is over.
    final class Parked: Sendable {
        private let continuation = Mutex<CheckedContinuation<Int, Never>?>(nil)
        func keep(_ c: CheckedContinuation<Int, Never>) { continuation.withLock { $0 = c } }
        func release() { continuation.withLock { $0?.resume(returning: 0); $0 = nil } }
        var isParked: Bool { continuation.withLock { $0 != nil } }
    }

    @Test func aStepThatIgnoresCancellationIsAbandonedAtItsDeadline() async throws {
        let parked = Parked()
        defer { parked.release() }
        await #expect(throws: Expired.self) {
            try await withDeadline(.milliseconds(200), expired: { Expired() }) { try await Self.stuck(parked) }
        }
        #expect(parked.isParked, "the step was left running, not waited for")
    }

    @Test func aCancelledCallerIsNotHeldByAStuckStep() async throws {
        let parked = Parked()
        defer { parked.release() }
        let caller = Task {
            try await withDeadline(.seconds(3600), expired: { Expired() }) { try await Self.stuck(parked) }
        }
        // Cancel once the step is under way (a condition, not a timing).
        while !parked.isParked { await Task.yield() }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
    }

    @Test func aStepThatEndsInTimeGivesItsResultOrItsError() async throws {
        #expect(try await withDeadline(.seconds(3600), expired: { Expired() }) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await withDeadline(.seconds(3600), expired: { Expired() }) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func aCallerCancelledBeforeItStartsGetsCancellationAtOnce() async throws {
        let caller = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await withDeadline(.seconds(3600), expired: { Expired() }) { () async throws -> Int in
                try await Task.sleep(for: .seconds(3600))
                return 1
            }
        }
        await #expect(throws: CancellationError.self) { try await caller.value }
    }
}
