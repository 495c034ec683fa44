import Retail
import Testing

/// A rejected scan's text as the lane keeps it: no control characters, no surrounding spaces,
/// and no run of 15 or more digits (a wallet code that was almost valid) in the clear.
@Suite struct ScanRedactionTests {
    @Test(arguments: [
        ("134567890123456789\t", "13************6789"),
        ("134567890123456789 ", "13************6789"),
        (" 134567890123456789", "13************6789"),
        ("13456789012345678", "13***********5678"),
        ("]C1134567890123456789", "]C11*************6789"),  // the identifier's 1 joins the run
        ("x134567890123456789-A", "x13************6789-A"),
        ("123456789012345", "12*********2345"),
        ("１３４５６７８９０１２３４５６７８９", "１３************６７８９"),
        ("28765432109876543210 then 134567890123456789", "28**************3210 then 13************6789"),
    ])
    func digitRunsOf15OrMoreAreMasked(_ scan: String, _ shown: String) {
        #expect(ScanRedaction.redact(scan) == shown)
    }

    @Test func shorterCodesAndTextStayReadable() {
        #expect(ScanRedaction.redact("12345678901234") == "12345678901234")  // a GTIN-14
        #expect(ScanRedaction.redact(" 4006381333931\r\n") == "4006381333931")
        #expect(ScanRedaction.redact("12345<script>") == "12345<script>")
        #expect(ScanRedaction.redact("\u{1B}[2J\u{7}") == "[2J")
        #expect(ScanRedaction.redact(" \t ") == "")
    }

    @Test func longTextIsBoundedAfterMasking() {
        let long = String(repeating: "7", count: 100)
        let shown = ScanRedaction.redact(long)
        #expect(shown == "77" + String(repeating: "*", count: 62) + "…")
        #expect(ScanRedaction.redact(String(repeating: "a", count: 70), limit: 10) == "aaaaaaaaaa…")
    }
}
