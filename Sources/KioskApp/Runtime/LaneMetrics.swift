import Checkout
import Metrics
import Peripherals
import class Prometheus.PrometheusCollectorRegistry
import struct Prometheus.PrometheusMetricsFactory

/// The lane's Prometheus metrics, recorded through swift-metrics into a registry of their own
/// (no global bootstrap: a test's lanes in one process each keep theirs). Head office scrapes
/// them on the sync listener (`MetricsRoute`); README lists them.
///
/// Labels are a few fixed words each (a kind, an outcome, a state), never a sale, badge or code:
/// every series exists from the start, at zero, so a rate over it is defined from the first scrape.
public final class LaneMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    enum Name {
        static let scans = "kiosk_scans_total"
        static let scanToCart = "kiosk_scan_to_cart_seconds"
        static let payments = "kiosk_payments_total"
        static let paymentDuration = "kiosk_payment_duration_seconds"
        static let printerState = "kiosk_printer_state"
        static let receiptsNotPrinted = "kiosk_receipts_not_printed"
        static let cameraReads = "kiosk_camera_reads_total"
        static let cameraFramesRejected = "kiosk_camera_frames_rejected_total"
        static let journalAppend = "kiosk_journal_append_duration_seconds"
        static let syncBacklog = "kiosk_sync_unacknowledged_events"
    }

    /// What a scanned code was, as far as the lane could tell.
    public enum ScanKind: String, CaseIterable, Sendable {
        case item, memberCard = "member-card", coupon, wallet, staffBadge = "staff-badge", unreadable
    }

    public enum ScanResult: String, CaseIterable, Sendable {
        case accepted, refused

        init(_ outcome: ScanOutcome) {
            if case .refused = outcome { self = .refused } else { self = .accepted }
        }
    }

    public enum PaymentResult: String, CaseIterable, Sendable {
        case approved, declined, unknown

        init(_ outcome: PaymentOutcome) {
            switch outcome {
            case .approved: self = .approved
            case .declined: self = .declined
            case .unknown: self = .unknown
            }
        }
    }

    /// The states a lane printer can be in (`LanePrinter.state`), one series each.
    static let printerStates: [DeviceState] = [.simulated, .missing, .ready, .paperNearEnd, .paperOut, .coverOpen, .unknown]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a scanner's 1 ms to a terminal's minute: buckets where each one's values fall.
        factory.durationHistogramBuckets = [
            Name.scanToCart: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000].map { .milliseconds($0) },
            Name.journalAppend: [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000].map { .microseconds($0 * 1000) },
            Name.paymentDuration: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120].map { .milliseconds($0 * 1000) },
        ]
        self.factory = factory
        for kind in ScanKind.allCases { for result in ScanResult.allCases { _ = scans(kind, result) } }
        for result in PaymentResult.allCases { _ = payments(result) }
        for result in ScanResult.allCases { _ = cameraReads(result) }
        _ = Counter(label: Name.cameraFramesRejected, factory: factory)
        _ = Timer(label: Name.scanToCart, factory: factory)
        _ = Timer(label: Name.paymentDuration, factory: factory)
        _ = Timer(label: Name.journalAppend, factory: factory)
        printer(nil)
        receiptsNotPrinted(0)
        syncBacklog(0)
    }

    private func scans(_ kind: ScanKind, _ result: ScanResult) -> Counter {
        Counter(label: Name.scans, dimensions: [("kind", kind.rawValue), ("outcome", result.rawValue)], factory: factory)
    }

    private func payments(_ result: PaymentResult) -> Counter {
        Counter(label: Name.payments, dimensions: [("outcome", result.rawValue)], factory: factory)
    }

    private func cameraReads(_ result: ScanResult) -> Counter {
        Counter(label: Name.cameraReads, dimensions: [("outcome", result.rawValue)], factory: factory)
    }

    func scanned(_ kind: ScanKind, _ outcome: ScanOutcome) {
        scans(kind, ScanResult(outcome)).increment()
    }

    /// From the scanner's read to the new view published (the scan on the page).
    func scanReachedCart(after duration: Duration) {
        Timer(label: Name.scanToCart, factory: factory).record(duration: duration)
    }

    func paymentFinished(_ outcome: PaymentOutcome, after duration: Duration) {
        payments(PaymentResult(outcome)).increment()
        Timer(label: Name.paymentDuration, factory: factory).record(duration: duration)
    }

    func journalAppended(in duration: Duration) {
        Timer(label: Name.journalAppend, factory: factory).record(duration: duration)
    }

    /// A code the camera confirmed, and what the lane made of it.
    func cameraRead(_ outcome: ScanOutcome) {
        cameraReads(ScanResult(outcome)).increment()
    }

    func cameraFrameRejected() {
        Counter(label: Name.cameraFramesRejected, factory: factory).increment()
    }

    /// 1 for the printer's state, 0 for the others (nil: none yet).
    func printer(_ state: DeviceState?) {
        for candidate in Self.printerStates {
            Gauge(label: Name.printerState, dimensions: [("state", candidate.rawValue)], factory: factory)
                .record(candidate == state ? 1 : 0)
        }
    }

    func receiptsNotPrinted(_ count: Int) {
        Gauge(label: Name.receiptsNotPrinted, factory: factory).record(count)
    }

    func syncBacklog(_ events: Int64) {
        Gauge(label: Name.syncBacklog, factory: factory).record(events)
    }

    /// The exposition text (Prometheus text format 0.0.4).
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}

extension LaneMetrics.ScanKind {
    /// The kind of what the router made of a code.
    init(_ route: ScanRoute) {
        switch route {
        case .staffBadge: self = .staffBadge
        case .coupon: self = .coupon
        case .event(.itemScanned): self = .item
        case .event(.memberCardScanned): self = .memberCard
        case .event(.couponScanned): self = .coupon
        case .event(.walletCodeScanned): self = .wallet
        case .event(.scanRejected(_, _, let unknownItem)): self = unknownItem ? .item : .unreadable
        case .event: self = .unreadable
        }
    }
}
