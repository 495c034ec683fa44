/// What every wallet gateway does when a payment's outcome is open (the shopper confirms on the
/// phone, or the gateway could not say): the order is polled until it ends or `waitSeconds`
/// pass; an order still open is then cancelled (asked again while the gateway says to retry,
/// up to five times), so it can never be paid after the kiosk gave up; its final state decides.
/// `cancel` answers false for "retry".
func settleWalletOrder(waitSeconds: Int, pollInterval: Duration, isolation: isolated (any Actor)? = #isolation,
                       status: () async throws -> TerminalAnswer, cancel: () async throws -> Bool) async throws -> TerminalAnswer {
    let clock = ContinuousClock()
    let giveUp = clock.now + .seconds(waitSeconds)
    while clock.now < giveUp {
        try await Task.sleep(for: pollInterval)
        if let answer = try? await status(), answer != .inProgress { return answer }
    }
    for _ in 0..<5 {
        // Cancelled: if it had been paid, the money goes back; the order's final state says which.
        if try await cancel() { return try await status() }
        try await Task.sleep(for: pollInterval)
    }
    return .inProgress
}
