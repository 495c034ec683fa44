import Foundation
import Synchronization

struct TimedOut: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "still running after \(seconds) s" }
}

/// Resumes a continuation once, whoever comes first.
final class Once<T: Sendable>: Sendable {
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

/// Waits for `task` at most `seconds`. A task stuck forever (a continuation nobody resumes, which
/// ignores cancellation) fails the test instead of hanging the whole run. A hang guard, not a
/// timing check: on a loaded 2-core machine CPU-bound tests in parallel suites can hold the
/// cooperative thread pool for many seconds, so the limit is generous.
func value<T: Sendable>(of task: Task<T, Never>, within seconds: Double = 60) async throws -> T {
    let result: T? = await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
        let once = Once(continuation)
        Task { once.resume(await task.value) }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            once.resume(nil)
        }
    }
    guard let result else { throw TimedOut(seconds: seconds) }
    return result
}

/// Thread-safe record of what a fake lane saw.
final class Recorder: Sendable {
    private let state = Mutex<(seen: [String], active: Int, maxActive: Int)>(([], 0, 0))

    func begin(_ code: String) {
        state.withLock {
            $0.seen.append(code)
            $0.active += 1
            $0.maxActive = max($0.maxActive, $0.active)
        }
    }

    func end() { state.withLock { $0.active -= 1 } }

    var seen: [String] { state.withLock { $0.seen } }
    var maxActive: Int { state.withLock { $0.maxActive } }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("devices-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
