import Retail

/// The payment code of `request` when a wallet gateway of `kind` can charge it; otherwise why
/// not (no code of its kind, not a positive amount in fen), as the decline the shopper sees.
func walletCode(of request: PaymentRequest, kind: WalletKind) -> (code: String?, refusal: TerminalAnswer?) {
    guard let wallet = request.wallet, wallet.kind == kind, let code = wallet.authCode else {
        return (nil, .declined(reason: "\(kind.displayName) takes \(kind.displayName) payment codes only. You have not been charged."))
    }
    guard request.amount.currency.code == "CNY", request.amount.currency.minorDigits == 2, request.amount.minorUnits > 0 else {
        return (nil, .declined(reason: "\(kind.displayName) takes positive CNY amounts only. You have not been charged."))
    }
    return (code, nil)
}

/// What every wallet gateway does when a payment's outcome is open (the shopper confirms on the
/// phone, or the gateway could not say): the order is polled until it ends or `waitSeconds`
/// pass; an order still open is then cancelled, so it can never be paid after the kiosk gave up;
/// its final state decides. `cancel` answers false for "retry" (see `cancelRepeatedly`).
func settleWalletOrder(waitSeconds: Int, pollInterval: Duration, isolation: isolated (any Actor)? = #isolation,
                       status: () async throws -> TerminalAnswer, cancel: () async throws -> Bool) async throws -> TerminalAnswer {
    let clock = ContinuousClock()
    let giveUp = clock.now + .seconds(waitSeconds)
    while clock.now < giveUp {
        try await Task.sleep(for: pollInterval)
        if let answer = try? await status(), answer != .inProgress { return answer }
    }
    // Cancelled: if it had been paid, the money goes back; the order's final state says which.
    guard try await cancelRepeatedly(pollInterval: pollInterval, cancel: cancel) else { return .inProgress }
    return try await status()
}

/// A staff reversal of a wallet order: one the wallet never paid has nothing to give back; any
/// other is cancelled (paid: refunded; open: closed for good).
func reverseWalletOrder(pollInterval: Duration, isolation: isolated (any Actor)? = #isolation,
                        status: () async throws -> TerminalAnswer, cancel: () async throws -> Bool) async throws -> Reversal {
    switch try await status() {
    case .declined, .notFound: return .nothingCharged
    case .approved, .inProgress: return try await cancelRepeatedly(pollInterval: pollInterval, cancel: cancel) ? .reversed : .notPossible
    }
}

/// The wallets' cancel (reverse, trade.cancel), asked again while the gateway says to retry
/// ("recall", retry_flag Y), up to five times. Whether the order is closed.
private func cancelRepeatedly(pollInterval: Duration, isolation: isolated (any Actor)? = #isolation,
                              cancel: () async throws -> Bool) async throws -> Bool {
    for _ in 0..<5 {
        if try await cancel() { return true }
        try await Task.sleep(for: pollInterval)
    }
    return false
}
