import Foundation
import Logging
import Synchronization

/// The lane's log lines, on standard error. Under systemd, when standard error is the journal,
/// each line starts with its syslog priority (`<4>` for a warning: systemd's SyslogLevelPrefix),
/// so `journalctl -p warning` finds the warnings and errors; the journal keeps its own time.
/// Anywhere else a line reads as before: time, level, label, metadata, message.
///
///     2026-12-07T10:31:02+0000 warning kiosk.usb : lane=L01 [Devices] scanner report dropped
///     <4>warning kiosk.usb : lane=L01 [Devices] scanner report dropped
public struct LaneLogHandler: LogHandler {
    /// Where lines go: one call per line, so that lines from several threads never mix.
    public typealias Output = @Sendable (String) -> Void

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let journald: Bool
    let output: Output

    public init(label: String, level: Logger.Level, journald: Bool, output: @escaping Output) {
        self.label = label
        self.logLevel = level
        self.journald = journald
        self.output = output
    }

    /// Lines to standard error, with priorities when it is the journal.
    public static func standardError(label: String, level: Logger.Level) -> LaneLogHandler {
        LaneLogHandler(label: label, level: level, journald: JournalStream.isStandardError(), output: writeToStandardError)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        output(Self.format(level: event.level, label: label, metadata: all, source: event.source, message: "\(event.message)",
                           journald: journald, timestamp: journald ? nil : Date()))
    }

    /// One line (newlines inside are escaped: a line is one journal entry with one priority).
    /// Metadata sorted by key, so the lane comes before the session and lines are easy to grep.
    static func format(level: Logger.Level, label: String, metadata: Logger.Metadata, source: String, message: String,
                       journald: Bool, timestamp: Date?) -> String {
        let pairs = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var line = journald ? "<\(syslogPriority(level))>" : ""
        if let timestamp { line += timestamp.formatted(.iso8601.dateTimeSeparator(.standard)) + " " }
        line += "\(level) \(label) :" + (pairs.isEmpty ? "" : " \(pairs)") + " [\(source)] \(message)"
        return line.replacingOccurrences(of: "\n", with: "\\n") + "\n"
    }

    /// syslog(3)'s priorities; swift-log's trace has none of its own and is debug.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static let standardErrorLock = Mutex(())

    private static func writeToStandardError(_ line: String) {
        standardErrorLock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}

/// systemd's `$JOURNAL_STREAM`: "DEVICE:INODE" of the stream it connected to the journal. Standard
/// error is the journal only when it is that very file (a child whose stderr was redirected
/// inherits the variable but not the stream).
enum JournalStream {
    static func isStandardError(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        var info = stat()
        guard fstat(STDERR_FILENO, &info) == 0 else { return false }
        return names(environment["JOURNAL_STREAM"], device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Whether `value` names this device and inode (both decimal, as systemd writes them).
    static func names(_ value: String?, device: UInt64, inode: UInt64) -> Bool {
        guard let value else { return false }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let d = UInt64(parts[0]), let i = UInt64(parts[1]) else { return false }
        return d == device && i == inode
    }
}

/// The subsystems of the lane, each with its own label in the log (`kiosk.usb`), so one can be
/// followed on its own.
public enum LogSubsystem: String, Sendable {
    case lane, usb, camera, sync, web, payment, printer, catalog
}

extension Logger {
    /// This logger (its level and metadata: the lane) under a subsystem's label.
    public func subsystem(_ subsystem: LogSubsystem) -> Logger {
        var logger = Logger(label: "kiosk.\(subsystem.rawValue)")
        logger.logLevel = logLevel
        logger.handler.metadata = handler.metadata
        return logger
    }

    /// The lane's loggers: `LaneLogHandler` on standard error at `level`. Once per process.
    public static func bootstrapLane(level: Logger.Level) {
        LoggingSystem.bootstrap { LaneLogHandler.standardError(label: $0, level: level) }
    }
}
