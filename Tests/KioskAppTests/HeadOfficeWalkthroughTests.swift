import Foundation
import KioskTestSupport
import Testing

/// The README's kiosk-hq walkthrough works as written: its block is run by bash, as a newcomer
/// would paste it, but for its first two lines (set-up and a release build, which the suite's
/// own debug build stands in for: `bin` is the suite's binaries).
@Suite struct HeadOfficeWalkthroughTests {
    static func walkthrough() throws -> String {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- hq-walkthrough -->\n```sh\n"))
        let end = try #require(readme.range(of: "```\n<!-- /hq-walkthrough -->"))
        return String(readme[start.upperBound..<end.lowerBound])
    }

    @Test func theReadmeWalkthroughRunsAsWritten() async throws {
        var lines = try Self.walkthrough().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "scripts/setup && source scripts/swift-env && swift build -c release")
        #expect(lines.dropFirst().first == "bin=$(swift build -c release --show-bin-path)")
        lines.removeFirst(2)
        let script = "bin=\(KioskProcess.binary.deletingLastPathComponent().path)\n" + lines.joined(separator: "\n")
        // `timeout`: a hang guard (a lane that never starts would loop in the block's wait).
        let result = try await run("timeout", ["300", "bash", "-c", script], in: repositoryRoot, mergingErrors: true)
        #expect(result.status == 0, "\(result.output)")
        let output = result.output
        #expect(output.contains("enrolled L01 (store demo") && output.contains("enrolled L02 (store demo"), "\(output)")
        #expect(output.contains("L01\tcollected") && output.contains("L02\tcollected"), "\(output)")
        // Both lanes' sales in the day's report: ¥3.50 carrots + ¥5.90 broccoli on each lane.
        #expect(output.contains("18.80"), "the store's gross: \(output)")
        #expect(!output.contains("kst_"), "a token reached the output")
    }
}
