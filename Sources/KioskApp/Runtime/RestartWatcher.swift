import ServiceLifecycle

/// Ends when staff ask for the kiosk service to restart (LaneRuntime.restartService); run with
/// `successTerminationBehavior: .gracefullyShutdownGroup`, its end stops the lane cleanly.
struct RestartWatcher: Service {
    let requests: AsyncStream<Void>

    func run() async throws {
        for await _ in requests.cancelOnGracefulShutdown() { return }
    }
}
