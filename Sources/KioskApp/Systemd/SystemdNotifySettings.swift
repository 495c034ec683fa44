/// What systemd asked of the kiosk through its environment (sd_notify(3), sd_watchdog_enabled(3)):
/// where to send notifications, and how often to feed the watchdog. Pure: the environment and the
/// process id come in as values.
struct SystemdNotifySettings: Equatable, Sendable {
    /// The notification socket's path; a leading "@" names the abstract namespace.
    let socket: String
    /// How often to ping the watchdog: half of `WatchdogSec=`, as systemd's documentation advises;
    /// nil when systemd watches nothing (or watches another process).
    let watchdogInterval: Duration?
    /// Why a watchdog variable was ignored, for the log; nil when there was nothing wrong.
    let problem: String?

    /// Nil when the kiosk was not started by systemd with `Type=notify` (no `NOTIFY_SOCKET`).
    init?(environment: [String: String], processID: Int32) {
        guard let socket = environment["NOTIFY_SOCKET"], !socket.isEmpty else { return nil }
        self.socket = socket
        guard socket.hasPrefix("/") || socket.hasPrefix("@") else {
            watchdogInterval = nil
            problem = "NOTIFY_SOCKET is neither a path nor an abstract socket (@name); not notifying systemd"
            return
        }
        let watchdog = Self.watchdogInterval(environment: environment, processID: processID)
        watchdogInterval = watchdog.interval
        problem = watchdog.problem
    }

    /// True when `socket` can be sent to (a path or an abstract name).
    var isUsable: Bool { socket.hasPrefix("/") || socket.hasPrefix("@") }

    private static func watchdogInterval(environment: [String: String], processID: Int32) -> (interval: Duration?, problem: String?) {
        guard let text = environment["WATCHDOG_USEC"] else { return (nil, nil) }
        guard let microseconds = UInt64(text), microseconds > 0 else {
            return (nil, "WATCHDOG_USEC is not a positive number of microseconds; the watchdog is not fed")
        }
        // The variables are inherited by children: WATCHDOG_PID says whom systemd watches.
        if let pid = environment["WATCHDOG_PID"] {
            guard let watched = Int32(pid) else { return (nil, "WATCHDOG_PID is not a process id; the watchdog is not fed") }
            guard watched == processID else { return (nil, nil) }
        }
        return (.microseconds(microseconds / 2), nil)
    }
}
