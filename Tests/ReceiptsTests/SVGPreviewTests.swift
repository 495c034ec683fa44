import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import KioskTestSupport
import Testing
@testable import Receipts
import Retail

@Suite struct SVGPreviewTests {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text = ""
    }

    struct Document {
        var root: String
        var elements: [Element]

        func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }
    }

    /// Parses with Foundation's XMLParser; throws if the SVG is not well-formed XML.
    static func parse(_ svg: String) throws -> Document {
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [Element] = []
            var open: [Int] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
                open.append(elements.count)
                elements.append(Element(name: name, attributes: attributes))
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) {
                for index in open { elements[index].text += string }
            }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                open.removeLast()
            }
        }
        struct NotWellFormed: Error { var error: Error?; var line: Int }
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else { throw NotWellFormed(error: parser.parserError, line: parser.lineNumber) }
        return Document(root: collector.elements.first?.name ?? "", elements: collector.elements)
    }

    static let native80 = PrinterProfile(name: "Native", paperWidth: .mm80, supportsChinese: true, cutter: true, nativeQR: true, nativeBarcode: true)
    static let text80 = PrinterProfile(name: "Text", paperWidth: .mm80, supportsChinese: true, cutter: true, raster: false)

    static func logo(for profile: PrinterProfile) throws -> MonochromeImage {
        let file = try PGM.parse(PGMTests.logoBytes())
        return try MonochromeImage.dithered(gray: file.gray, width: file.width, height: file.height, maxWidth: profile.dotsPerLine)
    }

    /// The y of an element's top: a text's translate, a path's first move.
    static func top(_ element: Element) -> Int? {
        let source = element.name == "text" ? element.attributes["transform"] : element.attributes["d"]
        guard let source else { return nil }
        let numbers = source.split { !$0.isNumber && $0 != "-" }.compactMap { Int($0) }
        return numbers.count >= 2 ? numbers[1] : nil
    }

    @Test(arguments: [PrinterProfile.generic58mm, .generic80mm])
    func wellFormedWithTheLayoutsRowsInOrder(profile: PrinterProfile) throws {
        let receipt = SampleReceipt.make()
        let document = try Self.parse(SVGPreview.render(receipt, profile: profile, logo: Self.logo(for: profile)))
        #expect(document.root == "svg")
        let svg = document.elements[0]
        #expect(svg.attributes["width"] == String(profile.dotsPerLine))
        #expect(svg.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(document.elements[1].name == "rect" && document.elements[1].attributes["fill"] == "#fff")

        let texts = document.named("text")
        let plan = ReceiptPlan.blocks(for: receipt, profile: profile, labels: .english, logo: nil)
        let rows = plan.compactMap { if case .line(let line) = $0, !line.text.isEmpty { line.text } else { nil } }
        // The URL is a QR code here, not text.
        #expect(!rows.contains { $0.hasPrefix("https:") })
        #expect(texts.map(\.text) == rows)
        #expect(texts.allSatisfy { $0.attributes["xml:space"] == "preserve" && $0.attributes["font-family"] == "monospace" })
        // 12 dots a column: a row of narrow characters is fitted as a whole, a row with
        // Chinese in pieces, each at its column.
        let spans = document.named("tspan")
        #expect(texts.allSatisfy { $0.attributes["textLength"] == nil || Int($0.attributes["textLength"]!) == displayWidth($0.text) * 12 })
        #expect(texts.filter { $0.attributes["textLength"] == nil }.count == texts.filter { $0.text.contains { displayWidth($0) != 1 } }.count)
        #expect(spans.allSatisfy { Int($0.attributes["textLength"] ?? "") == displayWidth($0.text) * 12 })

        // Logo, barcode and QR code, each one path, in document order between the rows.
        let order = document.elements.filter { $0.name == "text" || $0.name == "path" }
        #expect(order.first?.name == "path")
        let barcode = try #require(order.firstIndex { $0.text == SampleReceipt.saleID })
        let caption = try #require(order.firstIndex { $0.text == "Scan for your e-receipt" })
        #expect(order[barcode - 1].name == "path" && order[caption + 1].name == "path")
        #expect(document.named("path").count == 3)
        let tops = order.compactMap(Self.top)
        #expect(tops.count == order.count && tops == tops.sorted())
        let height = try #require(Int(svg.attributes["height"] ?? ""))
        #expect(tops.last! < height)
    }

    @Test func rowsKeepTheirStyle() throws {
        let document = try Self.parse(SVGPreview.render(Sample.full, profile: .generic80mm))
        let name = try #require(document.named("text").first { $0.text == "鲜果超市" })
        #expect(name.attributes["font-weight"] == "bold")
        #expect(name.attributes["transform"]?.hasSuffix("scale(2 2)") == true)
        // Centred: 8 columns × 12 dots × 2 wide in 576.
        #expect(name.attributes["transform"]?.hasPrefix("translate(192 ") == true)
        let total = try #require(document.named("text").first { $0.text.hasPrefix("TOTAL") })
        #expect(total.attributes["transform"]?.hasSuffix("scale(1 2)") == true)
        let milk = try #require(document.named("text").first { $0.text.hasPrefix("Milk") })
        #expect(milk.attributes["font-weight"] == nil && milk.attributes["transform"]?.hasPrefix("translate(0 ") == true)
        #expect(document.named("path").isEmpty)
    }

    @Test func chineseRowsArePlacedColumnByColumn() throws {
        let runs = SVGPreview.columnRuns("牛奶 Milk ¥3")
        #expect(runs.map(\.text) == ["牛", "奶", " Milk ¥3"])
        #expect(runs.map(\.column) == [0, 2, 4])
        #expect(runs.map(\.columns) == [2, 2, 8])
        #expect(SVGPreview.columnRuns("e\u{301}x").map(\.text) == ["e\u{301}x"])
        #expect(SVGPreview.columnRuns("\u{301}果a\u{301}b").map(\.column) == [0, 0, 2])

        let document = try Self.parse(SVGPreview.render(Sample.full, profile: .generic58mm))
        let row = try #require(document.elements.firstIndex { $0.name == "text" && $0.text.hasPrefix("牛奶") })
        #expect(document.elements[row].attributes["textLength"] == nil)
        let spans = document.elements[(row + 1)...].prefix { $0.name == "tspan" }
        #expect(spans.map(\.text) == ["牛", "奶"])
        #expect(spans.map { $0.attributes["x"] } == ["0", "24"])
        let milk = try #require(document.named("text").first { $0.text.hasPrefix("Milk") })
        #expect(milk.attributes["textLength"] == "384")
    }

    @Test func markupInNamesIsEscaped() throws {
        var receipt = Sample.small
        let name = "Tom & Jerry's <\"Best\"> Cheese"
        receipt.lines = [.init(name: name, amount: yuan(999))]
        receipt.storeName = ["<svg onload=\"x\">&amp;"]
        receipt.footer = ["]]> <!-- --> \u{1}\u{FFFE}"]
        let svg = SVGPreview.render(receipt, profile: .generic80mm)
        #expect(svg.contains("Tom &amp; Jerry&apos;s &lt;&quot;Best&quot;&gt; Cheese"))
        #expect(!svg.contains("<\"") && !svg.contains("<svg onload"))
        let texts = try Self.parse(svg).named("text").map(\.text)
        #expect(texts.contains { $0.hasPrefix(name) })
        #expect(texts.contains("<svg onload=\"x\">&amp;"))
        #expect(texts.contains { $0.hasPrefix("]]> <!-- -->") })
        #expect(SVGPreview.escape("a\u{0}b\u{1B}c\u{FFFF}") == "abc")
    }

    @Test func aQRCodeIsOnePathOfRectangles() throws {
        var receipt = Sample.small
        receipt.qrCode = "https://r.example.com/e/S1"
        let document = try Self.parse(SVGPreview.render(receipt, profile: .generic58mm))
        let paths = document.named("path")
        #expect(paths.count == 1)
        let d = try #require(paths.first?.attributes["d"])
        // Every subpath is a rectangle: M x y h w v h h -w z.
        let subpaths = d.split(separator: "z")
        #expect(subpaths.allSatisfy { $0.wholeMatch(of: /M\d+ \d+h\d+v\d+h-\d+/) != nil })
        // Fewer rectangles than dark modules: runs are merged.
        let matrix = try QRCode.matrix(for: "https://r.example.com/e/S1")
        let dark = (0..<matrix.height).reduce(0) { sum, y in sum + (0..<matrix.width).filter { matrix[$0, y] }.count }
        #expect(subpaths.count < dark / 2)
    }

    @Test func pathsCoverExactlyTheDarkDots() throws {
        var image = MonochromeImage(width: 12, height: 4)
        for (x, y) in [(1, 0), (2, 0), (3, 0), (1, 1), (2, 1), (3, 1), (7, 1), (1, 2), (0, 3), (11, 3)] { image[x, y] = true }
        let path = try #require(SVGPreview.path(image, left: 100, top: 10))
        #expect(path == "<path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"M101 10h3v2h-3zM107 11h1v1h-1zM101 12h1v1h-1zM100 13h1v1h-1zM111 13h1v1h-1z\"/>")
        #expect(SVGPreview.path(MonochromeImage(width: 5, height: 5), left: 0, top: 0) == nil)
    }

    @Test func withoutImagesThePreviewShowsTheTextFallback() throws {
        let receipt = SampleReceipt.make()
        let document = try Self.parse(SVGPreview.render(receipt, profile: Self.text80, logo: Self.logo(for: Self.text80)))
        #expect(document.named("path").isEmpty)
        #expect(document.named("text").map(\.text).contains(SampleReceipt.eReceiptURL))
    }

    // MARK: - Reading the codes back off a rendered preview

    static func tool(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Needs rsvg-convert (librsvg2-bin) and zbarimg (zbar-tools), which scripts/setup
    /// installs; without them this fails rather than passing unchecked.
    @Test(arguments: [PrinterProfile.generic58mm, .generic80mm, SVGPreviewTests.native80])
    func zbarReadsBothCodesOffTheRenderedPreview(profile: PrinterProfile) throws {
        let rsvg = try #require(Self.tool("rsvg-convert"), "rsvg-convert not found: install librsvg2-bin (scripts/setup does)")
        let zbarimg = try #require(Self.tool("zbarimg"), "zbarimg not found: install zbar-tools (scripts/setup does)")
        let directory = try temporaryDirectory("receipt-preview")
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("receipt.svg"), png = directory.appendingPathComponent("receipt.png")
        let preview = SVGPreview.render(SampleReceipt.make(), profile: profile, logo: try Self.logo(for: profile))
        try Data(preview.utf8).write(to: svg)

        let converted = try runTool(rsvg, ["--format=png", "--output=\(png.path)", svg.path])
        #expect(converted.status == 0)
        let scanned = try runTool(zbarimg, ["--raw", "-q", png.path])
        #expect(scanned.status == 0)
        let symbols = scanned.output.split(separator: "\n").map(String.init).sorted()
        #expect(symbols == [SampleReceipt.saleID, SampleReceipt.eReceiptURL].sorted())
    }

    /// The page's e-receipt QR, drawn alone, reads back as its link (scaled up as a browser would).
    @Test func aStandaloneQRCodeReadsBack() throws {
        let rsvg = try #require(Self.tool("rsvg-convert"), "rsvg-convert not found: install librsvg2-bin (scripts/setup does)")
        let zbarimg = try #require(Self.tool("zbarimg"), "zbarimg not found: install zbar-tools (scripts/setup does)")
        let directory = try temporaryDirectory("qr")
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("qr.svg"), png = directory.appendingPathComponent("qr.png")
        try Data(SVGPreview.standalone(try QRCode.matrix(for: SampleReceipt.eReceiptURL)).utf8).write(to: svg)
        #expect(try runTool(rsvg, ["--format=png", "--width=400", "--output=\(png.path)", svg.path]).status == 0)
        let scanned = try runTool(zbarimg, ["--raw", "-q", png.path])
        #expect(scanned.output.trimmingCharacters(in: .whitespacesAndNewlines) == SampleReceipt.eReceiptURL)
    }
}
