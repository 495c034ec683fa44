import Foundation
import KioskTestSupport
import Testing

/// The real page in headless Chromium against the real executable in demo mode: a shopper's
/// purchase by touch, an attendant's age approval, staff mode; axe-core on every screen, and a
/// screenshot of each in every language (scripts/browser-test does the driving, with selenium).
/// Screenshots go to `$KIOSK_SCREENSHOTS`, else .build/screenshots; the report (screenshots and
/// axe results per screen) is printed and saved beside them as report.txt.
@Suite(.serialized) struct BrowserTests {
    static let python = repositoryRoot.appendingPathComponent(".venv-test/bin/python")
    static let driver = repositoryRoot.appendingPathComponent("scripts/browser-test")
    static var screenshots: URL {
        ProcessInfo.processInfo.environment["KIOSK_SCREENSHOTS"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.appendingPathComponent(".build/screenshots")
    }

    @Test func theShopperAttendantAndStaffScreensWorkAndPassAxeInEveryLanguage() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python.path),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            Issue.record("selenium (.venv-test) or chromium-driver is not installed: run scripts/setup")
            return
        }
        try await withTemporaryDirectory { folder in
            // E-receipts on (their QR is on the thank-you screen); no timer ends a screen while it is checked.
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"""
                {"usbDevices": false, "eReceiptBaseURL": "https://receipts.example.com/r/", "receiptTimeoutSeconds": 3600,
                 "emptyCartTimeoutSeconds": 3600, "abandonedCartTimeoutSeconds": 3600, "staffModeTimeoutSeconds": 3600}
                """#.utf8).write(to: config)
            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"),
                                               extraArguments: ["--config", config.path])
            defer { if kiosk.process.isRunning { kiosk.kill9() } }
            try? FileManager.default.removeItem(at: Self.screenshots)
            try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
            let result = try await run(Self.python.path, [Self.driver.path, "--base", kiosk.baseURL,
                                                          "--screenshots", Self.screenshots.path],
                                       in: folder, mergingErrors: true)
            try Data(result.output.utf8).write(to: Self.screenshots.appendingPathComponent("report.txt"))
            print("BrowserTests: screenshots in \(Self.screenshots.path)\n\(result.output)")
            #expect(result.status == 0, "\(result.output)\n--- kiosk log ---\n\(kiosk.log.suffix(4000))")
        }
    }
}
