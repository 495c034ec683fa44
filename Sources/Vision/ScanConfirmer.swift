/// When a code seen by the camera counts as a scan. Pure: frames in, scans out; no zbar, no clock.
///
/// - A 1D code (EAN, UPC, Code 128, ...) counts once the same reading was seen in
///   `linearFrames` consecutive frames: zbar now and then misreads a 1D code as another valid one
///   (check digit and all) in a single frame, and a wrong item in the cart is the worst outcome.
/// - A 2D code (QR) counts after `matrixFrames` frames, by default at once: its error correction
///   already makes a misread all but impossible.
/// - A code held in view is one scan. It has left the view once it was missing from
///   `releaseFrames` consecutive frames; shown again after that, it is a new scan.
public struct ConfirmationRules: Sendable, Hashable {
    public var linearFrames: Int
    public var matrixFrames: Int
    public var releaseFrames: Int

    public init(linearFrames: Int = 2, matrixFrames: Int = 1, releaseFrames: Int = 8) {
        precondition(linearFrames >= 1 && matrixFrames >= 1 && releaseFrames >= 1)
        self.linearFrames = linearFrames
        self.matrixFrames = matrixFrames
        self.releaseFrames = releaseFrames
    }

    /// Release after about half a second at `fps` frames per second (at least 2 frames).
    public static func forFrameRate(_ fps: Double, linearFrames: Int = 2) -> ConfirmationRules {
        ConfirmationRules(linearFrames: linearFrames, releaseFrames: max(2, Int((fps / 2).rounded())))
    }

    func framesNeeded(_ symbology: Symbology) -> Int {
        symbology.isTwoDimensional ? matrixFrames : linearFrames
    }
}

public struct ScanConfirmer: Sendable {
    public let rules: ConfirmationRules

    struct Track: Sendable, Hashable {
        /// Consecutive frames with this reading, up to the confirmation.
        var streak = 1
        /// Consecutive frames without it since it was last seen (confirmed codes only).
        var missed = 0
        var confirmed = false
    }

    /// The readings being followed: pending (not yet confirmed) or held in view (confirmed).
    private(set) var tracks: [SymbolReading: Track] = [:]

    public init(rules: ConfirmationRules = ConfirmationRules()) {
        self.rules = rules
    }

    /// Feeds one frame's readings (in any order, duplicates allowed; an empty list is a frame
    /// without codes). Returns the readings that became scans with this frame, in the order given.
    public mutating func observe(_ readings: [SymbolReading]) -> [SymbolReading] {
        var seen = Set<SymbolReading>()
        var ordered: [SymbolReading] = []
        for reading in readings where seen.insert(reading).inserted { ordered.append(reading) }

        // Whatever was not in this frame: a pending code loses its streak, a held one counts down.
        for (reading, var track) in tracks where !seen.contains(reading) {
            if track.confirmed {
                track.missed += 1
                tracks[reading] = track.missed >= rules.releaseFrames ? nil : track
            } else {
                tracks[reading] = nil
            }
        }

        var scans: [SymbolReading] = []
        for reading in ordered {
            var track: Track
            if var known = tracks[reading] {
                known.missed = 0
                if !known.confirmed { known.streak += 1 }
                track = known
            } else {
                track = Track()
            }
            if !track.confirmed && track.streak >= rules.framesNeeded(reading.symbology) {
                track.confirmed = true
                scans.append(reading)
            }
            tracks[reading] = track
        }
        return scans
    }

    /// Convenience for decoder output.
    public mutating func observe(_ symbols: [DecodedSymbol]) -> [SymbolReading] {
        observe(symbols.map(\.reading))
    }

    /// Readings currently held in view (confirmed and not yet released).
    public var held: Set<SymbolReading> {
        Set(tracks.filter { $0.value.confirmed }.keys)
    }

    /// Forgets everything (the camera restarted).
    public mutating func reset() {
        tracks = [:]
    }
}
