import ServiceLifecycle
import Synchronization

/// Runs the lane's effects (payments, printing) as child tasks of one task group, instead of
/// detached tasks: `kiosk run` runs it as a service, so shutdown cancels whatever is still
/// running, and `drained()` lets a test wait until every effect handed over so far is done.
public final class EffectRunner: Service, Sendable {
    public typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let queue: AsyncStream<Job>.Continuation
    private struct Tally {
        var unfinished = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let tally = Mutex(Tally())

    public init() {
        (jobs, queue) = AsyncStream.makeStream(of: Job.self)
    }

    /// Queues a job; counted as unfinished from this moment, so `drained()` cannot miss it.
    public func add(_ job: @escaping Job) {
        tally.withLock { $0.unfinished += 1 }
        if case .terminated = queue.yield(job) { finished() }
    }

    /// Performs queued jobs concurrently until graceful shutdown, which cancels the running ones.
    public func run() async {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await job in self.jobs {
                    group.addTask {
                        await job()
                        self.finished()
                    }
                }
            }
        }
    }

    /// Returns once every job queued so far has finished.
    public func drained() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let idle = tally.withLock { tally in
                if tally.unfinished == 0 { return true }
                tally.waiting.append(done)
                return false
            }
            if idle { done.resume() }
        }
    }

    private func finished() {
        let waiting = tally.withLock { tally -> [CheckedContinuation<Void, Never>] in
            tally.unfinished -= 1
            guard tally.unfinished == 0 else { return [] }
            defer { tally.waiting = [] }
            return tally.waiting
        }
        for done in waiting { done.resume() }
    }
}
