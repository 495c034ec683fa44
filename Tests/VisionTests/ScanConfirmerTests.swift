import Testing
@testable import Vision

/// The confirmation and de-duplication rules on frame sequences, without zbar: each frame is the
/// list of readings a decoder would have reported.
@Suite struct ScanConfirmerTests {
    let ean = SymbolReading(symbology: .ean13, data: "6901234567892")
    let misread = SymbolReading(symbology: .ean13, data: "6901234567885") // valid check digit, wrong item
    let upc = SymbolReading(symbology: .upca, data: "036000291452")
    let qr = SymbolReading(symbology: .qrcode, data: "134567890123456789")

    /// Feeds the frames; returns, per frame, what became a scan.
    func run(_ frames: [[SymbolReading]], rules: ConfirmationRules = ConfirmationRules(linearFrames: 2, releaseFrames: 3))
        -> [[SymbolReading]] {
        var confirmer = ScanConfirmer(rules: rules)
        return frames.map { confirmer.observe($0) }
    }

    @Test func aLinearCodeCountsOnceTwoConsecutiveFramesAgree() {
        #expect(run([[ean], [ean]]) == [[], [ean]])
        #expect(run([[], [ean], [ean], [ean]]) == [[], [], [ean], []])
    }

    @Test func aLinearCodeSeenInOneFrameOnlyNeverCounts() {
        #expect(run([[ean], [], [ean], [], [ean], []]).allSatisfy { $0.isEmpty })
    }

    @Test func aQRCodeCountsAtOnce() {
        #expect(run([[qr], [qr], [qr]]) == [[qr], [], []])
    }

    @Test func threeFramesWhenTheRulesSayThree() {
        let rules = ConfirmationRules(linearFrames: 3, releaseFrames: 3)
        #expect(run([[ean], [ean], [ean]], rules: rules) == [[], [], [ean]])
        #expect(run([[ean], [ean], [], [ean], [ean], [ean]], rules: rules) == [[], [], [], [], [], [ean]])
        let twoForQR = ConfirmationRules(linearFrames: 2, matrixFrames: 2, releaseFrames: 3)
        #expect(run([[qr], [qr]], rules: twoForQR) == [[], [qr]])
    }

    @Test func aCodeHeldInViewIsOneScan() {
        // Read in most frames, missed now and then (fewer than releaseFrames in a row), for 200 frames.
        let frames = (0..<200).map { i in i % 5 == 3 || i % 7 == 0 && i > 0 ? [SymbolReading]() : [ean] }
        let scans = run(frames).flatMap { $0 }
        #expect(scans == [ean])
    }

    @Test func theSameCodeAgainAfterLeavingTheViewIsANewScan() {
        // releaseFrames 3: two frames without it is still "in view", three is gone.
        #expect(run([[ean], [ean], [], [], [ean], [ean]]).flatMap { $0 } == [ean])
        #expect(run([[ean], [ean], [], [], [], [ean], [ean]]) == [[], [ean], [], [], [], [], [ean]])
        #expect(run([[qr], [], [], [], [qr]]) == [[qr], [], [], [], [qr]])
    }

    @Test func aReturningCodeMustBeConfirmedAgain() {
        // After release, one frame of the code is not yet a scan: it is a 1D code again.
        #expect(run([[ean], [ean], [], [], [], [ean], [], [ean], [ean]]).flatMap { $0 } == [ean, ean])
        #expect(run([[ean], [ean], [], [], [], [ean], []]).flatMap { $0 } == [ean])
    }

    @Test func aMisreadInOneFrameAmongGoodReadsIsNeverAScan() {
        let frames: [[SymbolReading]] = [[ean], [misread], [ean], [ean], [misread], [ean], [misread], []]
        let scans = run(frames).flatMap { $0 }
        #expect(scans == [ean])
        #expect(!scans.contains(misread))
    }

    @Test func twoCodesInViewAreTwoScansInTheOrderGiven() {
        #expect(run([[qr, ean, upc], [upc, ean]]) == [[qr], [upc, ean]])
    }

    @Test func duplicatesInOneFrameCountOnce() {
        // Two labels of the same item in one frame are one frame's reading, not two frames.
        #expect(run([[ean, ean]]) == [[]])
        #expect(run([[ean, ean], [ean]]) == [[], [ean]])
        #expect(run([[qr, qr]]) == [[qr]])
    }

    @Test func symbologyAndGS1AreDistinct() {
        let asText = SymbolReading(symbology: .code128, data: "0109501101530003")
        let asGS1 = SymbolReading(symbology: .code128, isGS1: true, data: "0109501101530003")
        #expect(run([[asText], [asGS1], [asText]]).allSatisfy { $0.isEmpty })
    }

    @Test func heldAndResetState() {
        var confirmer = ScanConfirmer(rules: ConfirmationRules(linearFrames: 2, releaseFrames: 2))
        _ = confirmer.observe([ean, qr])
        #expect(confirmer.held == [qr])
        _ = confirmer.observe([ean])
        #expect(confirmer.held == [ean, qr])
        _ = confirmer.observe([SymbolReading]())
        #expect(confirmer.held == [ean]) // the QR code has now been missed twice: released
        _ = confirmer.observe([SymbolReading]())
        #expect(confirmer.held.isEmpty)
        _ = confirmer.observe([qr])
        confirmer.reset()
        #expect(confirmer.held.isEmpty)
        #expect(confirmer.observe([qr]) == [qr])
    }

    @Test func releaseFollowsTheFrameRate() {
        #expect(ConfirmationRules.forFrameRate(30).releaseFrames == 15)
        #expect(ConfirmationRules.forFrameRate(15).releaseFrames == 8)
        #expect(ConfirmationRules.forFrameRate(1).releaseFrames == 2)
        #expect(ConfirmationRules.forFrameRate(30, linearFrames: 3).linearFrames == 3)
    }
}
