import Foundation
import Synchronization

// Hang guards (`value(of:within:)`) and temporary folders are KioskTestSupport's.

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
