import Foundation
import KioskTestSupport
import Testing

/// `kiosk-hq push` against real lanes: a catalog reaches every lane of one store and no other, a
/// staff list and coupon keys are installed and journaled, a lane that is down is reported without
/// holding up the others, and a file that is not what it claims is sent to no lane at all.
@Suite(.serialized) struct HeadOfficePushTests {
    let rig = HeadOfficeCollectTests()

    @Test func pushesReachTheLanesTheyNameAndNoOthers() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let url = try await PostgresCluster.shared().makeDatabase("push")
            let first = try await rig.start("L01", in: folder, pki: pki)
            defer { if first.kiosk.process.isRunning { first.kiosk.kill9() } }
            let second = try await rig.start("L02", in: folder, pki: pki)
            defer { if second.kiosk.process.isRunning { second.kiosk.kill9() } }
            #expect(try await rig.hq(["migrate", "--database", url], folder).status == 0)
            for (lane, store) in [(first, "S1"), (second, "S2")] {
                let added = try await rig.hq(["lanes", "add", lane.id, "--database", url, "--store", store,
                                              "--public-key", try rig.publicKey(lane, folder), "--address", lane.sync,
                                              "--token-file", folder.appendingPathComponent("\(lane.id).token").path,
                                              "--ca-file", pki.certificate("ca")], folder)
                #expect(added.status == 0, "\(added.output)")
            }

            // A catalog for store S1: L01 sells its new item at once; L02 (store S2) never saw it.
            let catalog = folder.appendingPathComponent("s1.csv")
            try Data("gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n4006381333931,Stabilo Pen,荧光笔,2.20,,Z,,,\n".utf8)
                .write(to: catalog)
            let pushed = try await rig.hq(["push", "catalog", catalog.path, "--store", "S1", "--database", url], folder)
            #expect(pushed.status == 0 && pushed.output.contains("L01\tok\tcatalog ") && pushed.output.contains("1 items, 0 rejected"),
                    "\(pushed.output)")
            #expect(!pushed.output.contains("L02"))
            #expect(try await first.api.scan("4006381333931").status == 200)
            #expect(try await second.api.scan("4006381333931").status != 200, "store S2 still sells from its own catalog")

            // A catalog names its store: without --store or --lane nothing is sent.
            let unscoped = try await rig.hq(["push", "catalog", catalog.path, "--database", url], folder)
            #expect(unscoped.status != 0 && unscoped.output.contains("--store"), "\(unscoped.output)")

            // Staff for S2, in the first PIN format (salt and SHA-256), and chain-wide coupon keys.
            let staff = folder.appendingPathComponent("staff.json")
            // SHA-256 of salt + PIN ("s9" + "4711").
            let pinSHA256 = try await run("sh", ["-c", "printf '%s' s94711 | sha256sum | cut -d' ' -f1"], in: folder).output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try Data(#"{"staff": [{"badge": "7001", "name": "Mei", "pinSalt": "s9", "pinSHA256": "\#(pinSHA256)"}]}"#.utf8).write(to: staff)
            let staffPush = try await rig.hq(["push", "staff", staff.path, "--lane", "L02", "--database", url], folder)
            #expect(staffPush.status == 0 && staffPush.output.contains("L02\tok\t1 staff"), "\(staffPush.output)")
            let keys = folder.appendingPathComponent("keys.json")
            try Data(#"{"keys": [{"id": "hq-2027", "publicKey": "\#(try rig.publicKey(first, folder))"}]}"#.utf8).write(to: keys)
            let keysPush = try await rig.hq(["push", "coupon-keys", keys.path, "--database", url], folder)
            #expect(keysPush.status == 0 && keysPush.output.contains("L01\tok\t1 keys") && keysPush.output.contains("L02\tok\t1 keys"),
                    "\(keysPush.output)")

            // A file that is not what it says goes nowhere; a lane that is down is reported, the other still served.
            try Data("{\"staff\": \"everyone\"}".utf8).write(to: staff)
            let wrong = try await rig.hq(["push", "staff", staff.path, "--store", "S2", "--database", url], folder)
            #expect(wrong.status != 0 && wrong.output.contains("not a JSON object with a \"staff\" list"), "\(wrong.output)")
            #expect(second.kiosk.terminate(timeout: 180) == 0)
            let partly = try await rig.hq(["push", "coupon-keys", keys.path, "--database", url], folder)
            #expect(partly.status == 1 && partly.output.contains("L01\tok") && partly.output.contains("L02\tfailed\tunreachable"),
                    "\(partly.output)")

            // Each push is journaled on the lane it reached, never with a PIN hash or a token.
            #expect(first.kiosk.terminate(timeout: 180) == 0)
            let journal = try runTool(KioskProcess.binary, ["journal", "show", "--state-dir", first.state.path]).output
            #expect(journal.contains("catalog-installed") && journal.contains("coupon-keys-installed"), "\(journal)")
            let other = try runTool(KioskProcess.binary, ["journal", "show", "--state-dir", second.state.path]).output
            #expect(other.contains("staff-list-installed 1 staff") && !other.contains("catalog-installed"), "\(other)")
            for output in [pushed.output, staffPush.output, keysPush.output, partly.output, journal, other] {
                #expect(!output.contains(pinSHA256) && !output.contains(first.token) && !output.contains(second.token))
            }
        }
    }
}
