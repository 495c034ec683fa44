/// When each lane is asked next: after `interval` when its round went well, after the back-off
/// of its failures in a row when it did not. Pure: the time and the random draw are given.
struct LaneSchedule {
    let interval: Duration
    let backoff: Backoff
    private(set) var due: [String: ContinuousClock.Instant] = [:]
    private(set) var failures: [String: Int] = [:]

    init(interval: Duration, backoff: Backoff) {
        self.interval = interval
        self.backoff = backoff
    }

    /// A lane never asked is due at once.
    func isDue(_ lane: String, at now: ContinuousClock.Instant) -> Bool { due[lane].map { now >= $0 } ?? true }

    mutating func finished(_ lane: String, failed: Bool, at now: ContinuousClock.Instant, unit: Double) {
        if failed {
            let count = failures[lane, default: 0] + 1
            failures[lane] = count
            due[lane] = now + backoff.delay(failures: count, unit: unit)
        } else {
            failures[lane] = nil
            due[lane] = now + interval
        }
    }

    /// Forgets lanes no longer enrolled.
    mutating func keep(only lanes: Set<String>) {
        due = due.filter { lanes.contains($0.key) }
        failures = failures.filter { lanes.contains($0.key) }
    }
}
