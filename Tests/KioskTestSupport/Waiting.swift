import Foundation
import Synchronization

// Waits with hang guards. A hang guard is not a timing check: on a loaded 2-core machine CPU-bound
// tests in parallel suites can hold the cooperative thread pool for many seconds, so the limits
// are generous, and a test that would hang forever fails instead of stalling the whole run.

/// A hang guard ran out: what it waited for was still running.
public struct TimedOut: Error, CustomStringConvertible {
    public let seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
    public var description: String { "still running after \(seconds) s" }
}

/// Resumes a continuation once, whoever comes first.
private final class Once<T: Sendable>: Sendable {
    private let pending: Mutex<CheckedContinuation<T?, Never>?>

    init(_ continuation: CheckedContinuation<T?, Never>) {
        pending = Mutex(continuation)
    }

    func resume(_ value: T?) {
        let continuation = pending.withLock { pending in
            defer { pending = nil }
            return pending
        }
        continuation?.resume(returning: value)
    }
}

/// The value of `task`, waiting at most `seconds`; after that the task is cancelled and `TimedOut`
/// thrown. Works even for a task stuck forever that ignores cancellation (a continuation nobody
/// resumes), which a task group could not give up on: the wait is not structured.
public func value<T: Sendable, Failure: Error>(of task: Task<T, Failure>, within seconds: Double = 180) async throws -> T {
    let result: Result<T, Failure>? = await withCheckedContinuation { continuation in
        let once = Once(continuation)
        let timer = Task {
            try? await Task.sleep(for: .seconds(seconds))
            once.resume(nil)
        }
        Task {
            once.resume(await task.result)
            timer.cancel()
        }
    }
    guard let result else {
        task.cancel()
        throw TimedOut(seconds: seconds)
    }
    return try result.get()
}

/// Runs `body` in a task of its own and returns what it returns, but gives up after `seconds`
/// (see `value(of:within:)`).
public func within<T: Sendable>(_ seconds: Double = 180, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await value(of: Task { try await body() }, within: seconds)
}

/// Calls `probe` every `interval` until it returns a value, and returns that value; nil if
/// `seconds` pass (or the test is cancelled) first. The probe gets one last call at the end, so
/// a slow last interval cannot turn a success into a failure.
public func poll<T>(_ seconds: Double = 180, every interval: Duration = .milliseconds(20),
                    _ probe: () async throws -> T?) async rethrows -> T? {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if let value = try await probe() { return value }
        do { try await Task.sleep(for: interval) } catch { break }
    }
    return try await probe()
}

/// Whether `condition` holds within `seconds`, checked every `interval` (see `poll`).
public func eventually(_ seconds: Double = 180, every interval: Duration = .milliseconds(20),
                       _ condition: () async throws -> Bool) async rethrows -> Bool {
    try await poll(seconds, every: interval) { try await condition() ? true : nil } ?? false
}

