import Checkout
import Foundation

/// Wall-clock milliseconds for lane events, never going backwards and never repeating, so
/// event times order like the journal and session ids ("L01-<ms>") stay unique.
struct LaneClock {
    private var last: Timestamp = 0

    mutating func now() -> Timestamp {
        let wall = Timestamp(Date().timeIntervalSince1970 * 1000)
        last = max(wall, last + 1)
        return last
    }

    /// After a restart, continue after the newest journaled time.
    mutating func advance(past time: Timestamp) {
        last = max(last, time)
    }
}
