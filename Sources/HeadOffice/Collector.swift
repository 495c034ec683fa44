import AsyncHTTPClient
import Logging
import PostgresNIO
import ServiceLifecycle

/// `kiosk-hq collect`'s settings.
public struct CollectorSettings: Sendable {
    /// Lanes pulled at the same time, at most.
    public var concurrency = 16
    /// Between two rounds of a lane that is up to date.
    public var interval: Duration = .seconds(5)
    public var backoff = Backoff()
    /// One call to a lane, its answer included.
    public var timeout: Duration = .seconds(60)
    public var pageLimit = 1000
    public var pageBytes = 1_048_576

    public init() {}
}

/// Pulls every enrolled lane, at most `concurrency` at a time; a lane that fails (down, slow,
/// garbage) has its error recorded and waits its back-off without holding up the others.
public struct Collector: Sendable {
    let db: PostgresHandle
    let http: HTTPClient
    let settings: CollectorSettings
    let lanes: LaneCollector
    let cursors: CursorStore

    public init(db: PostgresHandle, http: HTTPClient, settings: CollectorSettings) {
        self.db = db
        self.http = http
        self.settings = settings
        var lanes = LaneCollector(db: db)
        lanes.pageLimit = settings.pageLimit
        lanes.pageBytes = settings.pageBytes
        lanes.stepTimeout = settings.timeout
        self.lanes = lanes
        cursors = CursorStore(db)
    }

    public enum LaneResult: Sendable, Equatable {
        case collected(Int)
        case quarantined(String)
        case failed(String)
    }

    /// One round over every enrolled lane, each to its newest event (`collect --once`).
    public func collectOnce() async throws -> [String: LaneResult] {
        let enrolled = try await LaneRegistry(db).active()
        return await withTaskGroup(of: (String, LaneResult).self) { group in
            var waiting = enrolled.makeIterator(), results: [String: LaneResult] = [:]
            for _ in 0..<max(1, settings.concurrency) {
                guard let lane = waiting.next() else { break }
                group.addTask { (lane.id, await collect(lane)) }
            }
            while let (id, result) = await group.next() {
                results[id] = result
                if let lane = waiting.next() { group.addTask { (lane.id, await collect(lane)) } }
            }
            return results
        }
    }

    /// Rounds until cancelled: each lane again `interval` after its round, or after its back-off;
    /// lanes enrolled or removed meanwhile are seen within an `interval`. Coupons redeemed in what
    /// was stored are sent to every lane (`CouponFanOut`), at most once an `interval`.
    public func run() async {
        var schedule = LaneSchedule(interval: settings.interval, backoff: settings.backoff)
        var enrolled: [EnrolledLane] = []
        var refresh = ContinuousClock.now
        let tick = min(settings.interval, .seconds(1))
        let coupons = CouponFanOut(db: db, http: http, timeout: settings.timeout)
        var couponsDue = true, couponsRunning = false, couponsNext = ContinuousClock.now
        enum Done: Sendable { case lane(String, LaneResult), tick, coupons }
        await withTaskGroup(of: Done.self) { group in
            var running: Set<String> = []
            group.addTask { try? await Task.sleep(for: tick); return .tick }
            while !Task.isCancelled {
                let now = ContinuousClock.now
                if now >= refresh {
                    do {
                        enrolled = try await lanes.database("read the enrolled lanes") { [db] in try await LaneRegistry(db).active() }
                        schedule.keep(only: Set(enrolled.map(\.id)))
                    } catch {
                        db.logger.error("cannot read the enrolled lanes: \(DatabaseFailure.text(error))")
                    }
                    refresh = now + settings.interval
                }
                for lane in enrolled where running.count < settings.concurrency && !running.contains(lane.id) && schedule.isDue(lane.id, at: now) {
                    running.insert(lane.id)
                    group.addTask { .lane(lane.id, await collect(lane)) }
                }
                if !couponsRunning, now >= couponsNext, couponsDue ? true : await coupons.isOwing {
                    couponsRunning = true
                    couponsDue = false
                    couponsNext = now + settings.interval
                    group.addTask { [enrolled] in await coupons.run(to: enrolled); return .coupons }
                }
                guard let next = await group.next() else { break }
                switch next {
                case .lane(let id, let result):
                    running.remove(id)
                    switch result {
                    case .failed: schedule.finished(id, failed: true, at: .now, unit: Double.random(in: 0..<1))
                    case .collected(let count):
                        if count > 0 { couponsDue = true }
                        schedule.finished(id, failed: false, at: .now, unit: 0)
                    case .quarantined: schedule.finished(id, failed: false, at: .now, unit: 0)
                    }
                case .tick: group.addTask { try? await Task.sleep(for: tick); return .tick }
                case .coupons: couponsRunning = false
                }
            }
            group.cancelAll()
        }
    }

    /// One lane's round; its failure recorded (for `status`) and logged, with the lane's id.
    func collect(_ lane: EnrolledLane) async -> LaneResult {
        var logger = db.logger
        logger[metadataKey: "lane"] = "\(lane.id)"
        do {
            switch try await lanes.collect(LaneClient(lane: lane, http: http, timeout: settings.timeout)) {
            case .collected(let count): return .collected(count)
            case .quarantined(let reason): return .quarantined(reason)
            }
        } catch {
            if Task.isCancelled { return .failed("cancelled") }
            let text = DatabaseFailure.text(error)
            logger.warning("collect failed: \(text)")
            do { try await lanes.database("record the error") { [cursors] in try await cursors.recordError(lane.id, text) } } catch {
                logger.error("cannot record the error: \(DatabaseFailure.text(error))")
            }
            return .failed(text)
        }
    }
}

/// `kiosk-hq collect` as a service: stops at a graceful shutdown (SIGTERM, SIGINT), abandoning
/// the page in flight (its transaction rolls back; the next run pulls it again).
public struct CollectorService: Service {
    let collector: Collector

    public init(_ collector: Collector) {
        self.collector = collector
    }

    public func run() async throws {
        try await HeadOfficeSchema.requireCurrent(collector.db.client, logger: collector.db.logger)
        await cancelWhenGracefulShutdown { await collector.run() }
        collector.db.logger.info("collector stopped")
    }
}

extension Collector {
    /// `collect`: the collector and head office's PostgreSQL pool as one service group, until
    /// SIGTERM or SIGINT (then it exits normally).
    public static func serve(_ url: DatabaseURL, settings: CollectorSettings, logger: Logger) async throws {
        try await url.probe(logger: logger)
        let http = makeHTTPClient()
        let client = PostgresClient(configuration: configuration(url, settings))
        let service = CollectorService(Collector(db: PostgresHandle(client: client, logger: logger), http: http, settings: settings))
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: client), .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await http.shutdown()
            throw (error as? PSQLError).map { DatabaseFailure($0) } ?? error
        }
        try await http.shutdown()
    }

    /// `collect --once`: one round over every lane.
    public static func once(_ url: DatabaseURL, settings: CollectorSettings, logger: Logger) async throws -> [String: LaneResult] {
        try await url.probe(logger: logger)
        let http = makeHTTPClient()
        do {
            let results = try await HeadOfficeDatabase.with(configuration(url, settings)) { client in
                try await HeadOfficeSchema.requireCurrent(client, logger: logger)
                return try await Collector(db: PostgresHandle(client: client, logger: logger), http: http, settings: settings).collectOnce()
            }
            try await http.shutdown()
            return results
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// The pool for `concurrency` lanes. The server ends a statement or an idle transaction that
    /// outlives a step's deadline, so an abandoned step (`LaneCollector.database`) holds no locks.
    static func configuration(_ url: DatabaseURL, _ settings: CollectorSettings) -> PostgresClient.Configuration {
        var configuration = url.clientConfiguration
        configuration.options.maximumConnections = max(4, min(settings.concurrency, 32))
        let milliseconds = "\(settings.timeout.components.seconds * 1000 + settings.timeout.components.attoseconds / 1_000_000_000_000_000)"
        configuration.options.additionalStartupParameters += [("statement_timeout", milliseconds),
                                                              ("idle_in_transaction_session_timeout", milliseconds)]
        return configuration
    }

    /// No redirects (a lane answers itself or not at all), no decompression.
    static func makeHTTPClient() -> HTTPClient {
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                   configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60))))
    }
}
