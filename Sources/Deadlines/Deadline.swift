import Synchronization

/// What `withDeadline` throws by default when the time is up.
public struct DeadlineExpired: Error, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "no result in \(limit)" }
}

/// `body`'s result; or `expired()` thrown once `duration` has passed; or `CancellationError` as
/// soon as the caller is cancelled. Either way `body` is cancelled, but never waited for: a
/// child of a task group would be, and a call stuck where cancellation does not reach (a pool
/// lease or a socket after a server restarted, a terminal that hangs) would hold up the caller,
/// and its shutdown, with it. An abandoned body ends on its own, its result dropped.
public func withDeadline<T: Sendable>(_ duration: Duration, expired: (@Sendable () -> any Error)? = nil,
                                      _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let expired = expired ?? { DeadlineExpired(limit: duration) }
    let outcome = FirstOutcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            guard outcome.wait(continuation) else { return }
            let work = Task { outcome.settle(await Result { try await body() }) }
            let timer = Task {
                try? await Task.sleep(for: duration)
                outcome.settle(.failure(expired()))
            }
            outcome.whenSettled { work.cancel(); timer.cancel() }
        }
    } onCancel: {
        outcome.settle(.failure(CancellationError()))
    }
}

/// The first of several racing results, handed to the one waiting continuation exactly once.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var cleanup: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    /// Keeps `continuation` until a result comes; false (and resumed) when one already came.
    func wait(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    /// The first call wins; later ones are ignored.
    func settle(_ result: Result<T, any Error>) {
        let (continuation, cleanup) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard state.result == nil else { return (nil, nil) }
            state.result = result
            defer { state.continuation = nil; state.cleanup = nil }
            return (state.continuation, state.cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
    }

    /// Runs `cleanup` once a result is in: now, if it already is.
    func whenSettled(_ cleanup: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.result != nil { return true }
            state.cleanup = cleanup
            return false
        }
        if now { cleanup() }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
