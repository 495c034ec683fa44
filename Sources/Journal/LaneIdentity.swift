import Crypto
import Foundation

/// The lane's Ed25519 key pair: it signs the journal's chain head, so head office (which enrols
/// the public key) can tell that what it pulled is what this lane wrote. Made on first start in
/// the state folder (`lane-key.json`, mode 0600, in a 0700 folder), never sent anywhere.
public struct LaneIdentity: Sendable {
    public let laneID: String
    /// The 32-byte seed; `Curve25519.Signing.PrivateKey` is rebuilt from it per signature.
    private let seed: [UInt8]
    public let publicKey: [UInt8]

    public static let fileName = "lane-key.json"

    public init(laneID: String, privateKey seed: [UInt8]) throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        self.laneID = laneID
        self.seed = seed
        publicKey = Array(key.publicKey.rawRepresentation)
    }

    /// "SHA256:" and the first 16 bytes of the public key's SHA-256 in hex, in groups of four:
    /// short enough to read out when enrolling a lane, long enough not to collide.
    public var fingerprint: String { Self.fingerprint(of: publicKey) }

    public static func fingerprint(of publicKey: [UInt8]) -> String {
        let hex = Hex.encode(SHA256.hash(data: publicKey).prefix(16))
        var groups: [Substring] = []
        var rest = Substring(hex)
        while !rest.isEmpty {
            groups.append(rest.prefix(4))
            rest = rest.dropFirst(4)
        }
        return "SHA256:" + groups.joined(separator: ":")
    }

    /// Signs the chain head `seq` (whose hash is `hash`) at `at`.
    public func sign(seq: Int64, hash: [UInt8], at: Int64) -> SignedHead {
        let unsigned = SignedHead(lane: laneID, seq: seq, hash: hash, at: at, signature: [])
        let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed) // checked in init
        let signature = try! key.signature(for: unsigned.message) // fails only on a broken RNG
        return SignedHead(lane: laneID, seq: seq, hash: hash, at: at, signature: Array(signature))
    }

    // MARK: - The key file

    public typealias FileError = PrivateFileError
    static let what = "lane key"

    /// The lane's key from `stateDirectory`, made there (and the folder made private) on first use.
    /// A key file that other users can read is refused, not used: anyone could sign as this lane.
    public static func loadOrCreate(stateDirectory: URL, laneID: String) throws -> LaneIdentity {
        let path = stateDirectory.appendingPathComponent(fileName).path
        return try PrivateFile.loadOrCreate(fileName, in: stateDirectory, what: what, parse: { try parse($0, path: path, laneID: laneID) }) {
            let seed = PrivateFile.randomKey()
            let text = JSONValue.object(["v": .int(1), "algorithm": "ed25519",
                                         "privateKey": .string(Data(seed).base64EncodedString())]).text + "\n"
            return (try LaneIdentity(laneID: laneID, privateKey: seed), Array(text.utf8))
        }
    }

    /// The lane's key if `stateDirectory` has one (commands that only read use this).
    public static func existing(stateDirectory: URL, laneID: String) throws -> LaneIdentity? {
        try load(path: stateDirectory.appendingPathComponent(fileName).path, laneID: laneID)
    }

    /// The key at `path`, or nil when there is no file.
    static func load(path: String, laneID: String) throws -> LaneIdentity? {
        try PrivateFile.read(path, what: what).map { try parse($0, path: path, laneID: laneID) }
    }

    static func parse(_ data: Data, path: String, laneID: String) throws -> LaneIdentity {
        do {
            let o = try WireObject(try JSONValue.parse(String(decoding: data, as: UTF8.self)))
            guard try o.int("v") == 1, try o.string("algorithm") == "ed25519",
                  let seed = Data(base64Encoded: try o.string("privateKey")), seed.count == 32 else {
                throw FileError(what: what, path: path, problem: "cannot be used: not a version 1 ed25519 key file")
            }
            return try LaneIdentity(laneID: laneID, privateKey: Array(seed))
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(what: what, path: path, problem: "cannot be used: not a lane key file (\(error))")
        }
    }
}

/// The journal's chain head as the lane signed it: "event `seq` has hash `hash`", at `at` (ms).
/// Head office keeps the newest one it has seen: a lane whose journal later ends before it, or
/// holds a different hash at that seq, was truncated or rewritten.
public struct SignedHead: Hashable, Sendable {
    public let lane: String
    public let seq: Int64
    public let hash: [UInt8]
    public let at: Int64
    public let signature: [UInt8]

    public init(lane: String, seq: Int64, hash: [UInt8], at: Int64, signature: [UInt8]) {
        self.lane = lane
        self.seq = seq
        self.hash = hash
        self.at = at
        self.signature = signature
    }

    /// The signed bytes (docs/sync-api.yaml): a fixed prefix, then lane, seq, hash (hex) and
    /// time, one per line. The lane id is in it so one lane's head cannot pass as another's.
    public var message: [UInt8] {
        Array("kiosk-signed-head-v1\n\(lane)\n\(seq)\n\(Hex.encode(hash))\n\(at)".utf8)
    }

    public func isValid(publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}
