import CatalogStore
import Foundation
import Synchronization

/// The catalog import's progress on a terminal: one line, redrawn in place at most ten times a
/// second, ended by `finish()`. Only for a terminal: a log or a pipe gets the summary alone.
public final class CatalogImportProgressLine: Sendable {
    private struct Drawn {
        var at: ContinuousClock.Instant?
        var any = false
    }

    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let drawn = Mutex(Drawn())
    private let write: @Sendable (String) -> Void

    /// Nil unless standard error is a terminal.
    public static func onStandardError() -> CatalogImportProgressLine? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return CatalogImportProgressLine { FileHandle.standardError.write(Data($0.utf8)) }
    }

    init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
        start = clock.now
    }

    func update(_ progress: CatalogImportProgress) {
        let now = clock.now
        let due = drawn.withLock { (drawn: inout Drawn) -> Bool in
            if let at = drawn.at, now - at < .milliseconds(100) { return false }
            drawn = Drawn(at: now, any: true)
            return true
        }
        // "\r" back to the line's start, ESC[K clears what a longer line left.
        if due { write("\r" + Self.text(rows: progress.rows, rejectedRows: progress.rejectedRows, elapsed: now - start) + "\u{1B}[K") }
    }

    /// Ends the line, so the summary starts on its own.
    func finish() {
        if drawn.withLock({ $0.any }) { write("\n") }
    }

    /// "catalog import: 120000 rows, 45000 rows/s, 3 rejected".
    static func text(rows: Int, rejectedRows: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int((Double(rows) / seconds).rounded()) : 0
        return "catalog import: \(rows) rows, \(rate) rows/s, \(rejectedRows) rejected"
    }
}
