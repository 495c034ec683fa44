import ArgumentParser
import Foundation
import HeadOffice
import Logging

struct Collect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pull every enrolled lane into PostgreSQL, verified, page by page; runs until SIGTERM (or one round with --once).",
        discussion: """
            A lane whose answers fail verification (a fork, a bad signature, a gap, a rolled-back journal, another identity) is \
            quarantined with its evidence and not pulled again until `kiosk-hq lanes release ID`. \
            --once exits 1 when a lane failed (down, slow, garbage), 2 when a lane is quarantined.
            """)

    @OptionGroup var database: DatabaseOption
    @Option(help: "Lanes pulled at the same time, at most.") var concurrency = 16
    @Option(help: "Seconds between two rounds of a lane that is up to date.") var interval = 5.0
    @Option(help: "Seconds one call to a lane (its answer included) or one database step may take; longer ones are abandoned and the round retried.") var timeout = 60.0
    @Option(help: "Events per page asked.") var pageLimit = 1000
    @Flag(help: "One round over every lane, then exit.") var once = false

    func validate() throws {
        guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency: 1 to 1024") }
        guard interval >= 0.1, interval <= 86_400 else { throw ValidationError("--interval: 0.1 to 86400 seconds") }
        guard timeout >= 1, timeout <= 3600 else { throw ValidationError("--timeout: 1 to 3600 seconds") }
        guard (1...5000).contains(pageLimit) else { throw ValidationError("--page-limit: 1 to 5000") }
    }

    func run() async throws {
        let url = try database.url()
        var settings = CollectorSettings()
        settings.concurrency = concurrency
        settings.interval = .milliseconds(Int64(interval * 1000))
        settings.timeout = .milliseconds(Int64(timeout * 1000))
        settings.pageLimit = max(2, pageLimit)
        let logger = Logger(label: "kiosk-hq")
        guard once else {
            try await Collector.serve(url, settings: settings, logger: logger)
            return
        }
        let results = try await Collector.once(url, settings: settings, logger: logger)
        for (lane, result) in results.sorted(by: { $0.key < $1.key }) {
            switch result {
            case .collected(let count): print("\(lane)\tcollected \(count) events")
            case .quarantined(let reason): print("\(lane)\tquarantined: \(reason)")
            case .failed(let error): print("\(lane)\tfailed: \(error)")
            }
        }
        if results.values.contains(where: { if case .quarantined = $0 { true } else { false } }) { throw ExitCode(2) }
        if results.values.contains(where: { if case .failed = $0 { true } else { false } }) { throw ExitCode(1) }
    }
}
