public enum TextAlignment: String, Codable, Sendable, Hashable {
    case left, center, right
}

/// One row of a laid-out receipt: text already fitted to the paper, plus its style.
/// The text renderer and the ESC/POS document both print these, so the layout is made once.
public struct PrintLine: Hashable, Sendable {
    /// Fits in `columns / widthScale` columns; no padding for centred or right-aligned rows.
    public var text: String
    public var alignment: TextAlignment
    public var bold: Bool
    /// Character magnification, 1...8 (ESC/POS GS !). Plain text ignores it.
    public var widthScale: Int
    public var heightScale: Int

    public init(_ text: String, alignment: TextAlignment = .left, bold: Bool = false, widthScale: Int = 1, heightScale: Int = 1) {
        self.text = text
        self.alignment = alignment
        self.bold = bold
        self.widthScale = widthScale
        self.heightScale = heightScale
    }
}
