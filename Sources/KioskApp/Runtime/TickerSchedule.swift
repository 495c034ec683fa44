/// When the lane's ticker wakes, as offsets from its start: a tick every `tickEvery`, and, when
/// systemd watches the kiosk, a watchdog ping every `pingEvery`. After a late wake (a machine
/// under load, a stopped process) each is due once and then counted from that wake, never in a
/// burst of catch-up ticks.
struct TickerSchedule: Equatable {
    let tickEvery: Duration
    let pingEvery: Duration?
    private(set) var nextTick: Duration
    private(set) var nextPing: Duration?

    init(tickEvery: Duration, pingEvery: Duration?) {
        self.tickEvery = tickEvery
        self.pingEvery = pingEvery
        nextTick = tickEvery
        nextPing = pingEvery
    }

    /// The offset to sleep until.
    var nextWake: Duration { min(nextTick, nextPing ?? nextTick) }

    /// What is due at `now`; each due thing is rescheduled from `now`.
    mutating func due(at now: Duration) -> (tick: Bool, ping: Bool) {
        let tick = now >= nextTick
        if tick { nextTick = now + tickEvery }
        var ping = false
        if let pingEvery, let next = nextPing, now >= next {
            ping = true
            nextPing = now + pingEvery
        }
        return (tick, ping)
    }
}
