import Testing
import Retail

@Suite struct DisplayWidthTests {
    @Test func mixedChineseAndEnglish() {
        #expect(displayWidth("苹果 Apple") == 10)
    }

    @Test(arguments: [
        ("Apple", 5),
        ("", 0),
        ("苹果", 4),
        ("，。、", 6),        // CJK punctuation
        ("ひらがなカタカナ", 16),
        ("한국어", 6),
        ("ＡＢＣ１２３", 12),  // fullwidth forms
        ("￥", 2),
        ("¥12.34", 6),        // the yen sign itself is narrow
        ("e\u{301}", 1),      // combining acute accent
        ("\u{301}", 0),       // a lone combining mark
        ("😀", 2),
        ("❤️", 2),            // text-style heart made emoji by VS16
        ("🇨🇳", 2),           // flag: two regional indicators, one cluster
        ("👨‍👩‍👧", 2),            // ZWJ family
        ("×·é", 3),           // East Asian Ambiguous counts as narrow
        ("\t", 0),
    ])
    func widths(text: String, expected: Int) {
        #expect(displayWidth(text) == expected)
    }
}
