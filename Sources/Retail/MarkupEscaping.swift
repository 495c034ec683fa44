/// Text safe inside an XML, SVG or HTML element or attribute: markup characters escaped, and
/// characters XML 1.0 does not allow (most control characters, U+FFFE, U+FFFF) left out. Receipt
/// previews and head office's report pages both show text that came from outside the program.
public func markupEscaped(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&apos;"
        case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
        default:
            let v = scalar.value
            if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}
