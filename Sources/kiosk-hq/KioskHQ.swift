import ArgumentParser
import Foundation
import HeadOffice
import Logging

@main
struct KioskHQ: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-hq",
        abstract: "Head office: collect every lane's journal into PostgreSQL, verified, exactly once, and report on it.",
        subcommands: [Migrate.self, Lanes.self, Collect.self, Status.self])
}

/// `--database URL`, or `KIOSK_HQ_DATABASE`: where head office's PostgreSQL is.
struct DatabaseOption: ParsableArguments {
    @Option(help: ArgumentHelp("PostgreSQL, as postgres://user@host:port/db or postgres:///db?host=/socket/folder (password from PGPASSWORD). Default: $KIOSK_HQ_DATABASE.",
                               valueName: "URL"))
    var database: String?

    func url() throws -> DatabaseURL {
        guard let text = database ?? ProcessInfo.processInfo.environment["KIOSK_HQ_DATABASE"] else {
            throw ValidationError("no database: give --database URL or set KIOSK_HQ_DATABASE")
        }
        do { return try DatabaseURL(text) } catch { throw ValidationError("\(error)") }
    }

    /// Runs `body` with a pool on a database at this program's schema version.
    func withCurrentSchema<T: Sendable>(_ body: @Sendable (PostgresHandle) async throws -> T) async throws -> T {
        let url = try url()
        let logger = Logger(label: "kiosk-hq")
        return try await HeadOfficeDatabase.with(url) { client in
            try await HeadOfficeSchema.requireCurrent(client, logger: logger)
            return try await body(PostgresHandle(client: client, logger: logger))
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade head office's tables (migrations only ever add).")

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let url = try database.url()
        let logger = Logger(label: "kiosk-hq")
        let applied = try await HeadOfficeDatabase.with(url) { client in try await HeadOfficeSchema.migrate(client, logger: logger) }
        print(applied.isEmpty ? "schema is current (version \(HeadOfficeSchema.newestVersion))"
                              : "applied migrations \(applied.map(String.init).joined(separator: ", ")); schema version \(HeadOfficeSchema.newestVersion)")
    }
}

struct Lanes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The lanes head office collects from.",
                                                    subcommands: [Add.self, List.self, Remove.self, Release.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a lane: its id and public key as `kiosk lane identity` prints them, its sync address and credential.")

        @OptionGroup var database: DatabaseOption
        @Argument(help: "The lane id.") var id: String
        @Option(help: "The store the lane belongs to.") var store: String
        @Option(help: "The lane's public key (base64), from `kiosk lane identity`.") var publicKey: String
        @Option(help: "The lane's sync listener, https://host:port.") var address: String
        @Option(help: "A file holding the lane's bearer token (`kiosk sync token add`).") var tokenFile: String?
        @Option(help: "A client certificate (PEM) the lane lists, instead of a token.") var clientCertificate: String?
        @Option(help: "The client certificate's private key (PEM).") var clientKey: String?
        @Option(help: "The CA (or the lane's certificate), PEM, to trust for this lane. Default: the system's trust store.") var caFile: String?
        @Option(help: "The store's time zone, for the reports' days and hours (e.g. Asia/Shanghai).") var timeZone = "UTC"

        func run() async throws {
            let credential: EnrolledLane.Credential
            switch (tokenFile, clientCertificate, clientKey) {
            case (let token?, nil, nil): credential = .tokenFile(absolute(token))
            case (nil, let certificate?, let key?): credential = .clientCertificate(certificate: absolute(certificate), key: absolute(key))
            default: throw ValidationError("give either --token-file, or --client-certificate with --client-key")
            }
            for file in [tokenFile, clientCertificate, clientKey, caFile].compactMap({ $0 }) where !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("cannot read \(file)")
            }
            let lane: EnrolledLane
            do {
                lane = try EnrolledLane(id: id, store: store, publicKey: publicKey, address: address, credential: credential,
                                        caFile: caFile.map(absolute), timeZone: timeZone)
            } catch { throw ValidationError("\(error)") }
            try await database.withCurrentSchema { db in try await LaneRegistry(db).add(lane) }
            print("enrolled \(lane.id) (store \(lane.store), key \(lane.fingerprint))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The enrolled lanes.")
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let lanes = try await database.withCurrentSchema { db in try await LaneRegistry(db).active() }
            for lane in lanes {
                print([lane.store, lane.id, lane.address.absoluteString, lane.fingerprint, lane.timeZone].joined(separator: "\t"))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop collecting from a lane (what was collected stays).")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The lane id.") var id: String

        func run() async throws {
            try await database.withCurrentSchema { db in try await LaneRegistry(db).remove(id) }
            print("removed \(id)")
        }
    }
}

func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
