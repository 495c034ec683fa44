import Testing
import Receipts
import Retail

@Suite struct ColumnLayoutTests {
    static let longEnglish = "Organic Cold Pressed Extra Virgin Olive Oil from Sunny Hillside Groves 500ml Glass Bottle"
    static let longChinese = "有机冷榨特级初榨橄榄油来自阳光山坡果园玻璃瓶装五百毫升家庭实惠装限时特价"

    @Test(arguments: [32, 48])
    func longEnglishNameBreaksBetweenWords(columns: Int) {
        let lines = ColumnLayout.wrap(Self.longEnglish, width: columns)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { displayWidth($0) <= columns })
        #expect(lines.joined(separator: " ") == Self.longEnglish)
        // No word was cut: every line is made of whole words.
        let words = Set(Self.longEnglish.split(separator: " "))
        #expect(lines.allSatisfy { $0.split(separator: " ").allSatisfy(words.contains) })
    }

    @Test(arguments: [32, 48])
    func longChineseNameBreaksBetweenCharacters(columns: Int) {
        let lines = ColumnLayout.wrap(Self.longChinese, width: columns)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { displayWidth($0) <= columns })
        #expect(lines.dropLast().allSatisfy { displayWidth($0) == columns })  // full lines
        #expect(lines.joined() == Self.longChinese)
    }

    @Test func englishLines() {
        #expect(ColumnLayout.wrap("Organic Extra Virgin Olive Oil 500ml", width: 32) == ["Organic Extra Virgin Olive Oil", "500ml"])
        #expect(ColumnLayout.wrap("  spaced \t out\nname ", width: 32) == ["spaced out name"])
        #expect(ColumnLayout.wrap("", width: 32) == [])
        #expect(ColumnLayout.wrap("Apples", width: 32, indent: 2) == ["  Apples"])
    }

    @Test func wordLongerThanLineIsCut() {
        #expect(ColumnLayout.wrap("ABCDEFGHIJ KL", width: 4) == ["ABCD", "EFGH", "IJ", "KL"])
    }

    @Test func mixedTextBreaksAtSpacesAndBetweenCJK() {
        #expect(ColumnLayout.wrap("富士苹果 Fuji Apple", width: 10) == ["富士苹果", "Fuji Apple"])
        #expect(ColumnLayout.wrap("富士苹果Fuji", width: 6) == ["富士苹", "果Fuji"])
    }

    @Test func closingPunctuationDoesNotStartALine() {
        #expect(ColumnLayout.wrap("谢谢惠顾，欢迎光临。", width: 8) == ["谢谢惠", "顾，欢迎", "光临。"])
    }

    @Test func graphemeClustersAreNeverSplit() {
        let text = "e\u{301}e\u{301}e\u{301}👨‍👩‍👧🇨🇳"
        let lines = ColumnLayout.wrap(text, width: 2)
        #expect(lines == ["e\u{301}e\u{301}", "e\u{301}", "👨‍👩‍👧", "🇨🇳"])
        #expect(lines.joined() == text)
    }

    @Test func justifyPutsAmountFlushRight() {
        #expect(ColumnLayout.justify("Milk", "¥12.50", width: 20) == ["Milk          ¥12.50"])
        #expect(ColumnLayout.justify("牛奶", "¥12.50", width: 20) == ["牛奶          ¥12.50"])
    }

    @Test func justifyMovesAmountToItsOwnLineWhenTheNameFillsTheLine() {
        #expect(ColumnLayout.justify("Olive Oil 500ml", "¥89.00", width: 16) == ["Olive Oil 500ml", "          ¥89.00"])
        #expect(ColumnLayout.justify("Olive Oil 500ml", "¥89.00", width: 12) == ["Olive Oil", "500ml ¥89.00"])
    }

    @Test func amountWiderThanTheLineIsCutNotLost() {
        let lines = ColumnLayout.justify("Gold", "¥92233720368547758.07", width: 8)
        #expect(lines == ["Gold", "¥9223372", "03685477", "   58.07"])
    }

    @Test func tableFitsOrGivesUp() {
        let rows = [["Rate", "Tax"], ["VAT 9%", "¥1.79"]]
        #expect(ColumnLayout.table(rows, width: 16) == ["Rate         Tax", "VAT 9%     ¥1.79"])
        #expect(ColumnLayout.table(rows, width: 11) == nil)
    }

    @Test func alignment() {
        #expect(ColumnLayout.align("果", .center, width: 7) == "  果")
        #expect(ColumnLayout.align("ab", .right, width: 5) == "   ab")
        #expect(ColumnLayout.align("ab", .left, width: 5) == "ab")
        #expect(ColumnLayout.align("too long", .right, width: 3) == "too long")
    }
}
