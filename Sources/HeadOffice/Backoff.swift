/// How long a failing lane waits before it is asked again: doubling from `base` with each failure
/// in a row, at most `cap`, with jitter (a random half of it) so that lanes that failed together
/// (a store's network) are not all asked again at the same instant. Pure: `unit` is the random
/// draw, in 0..<1.
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300)) {
        self.base = base
        self.cap = cap
    }

    public func delay(failures: Int, unit: Double) -> Duration {
        guard failures > 0 else { return .zero }
        let doubled = failures >= 30 ? cap : min(cap, base * (1 << (failures - 1)))
        return doubled * (0.5 + 0.5 * min(max(unit, 0), 1))
    }
}
