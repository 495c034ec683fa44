import CZBar
import Receipts

/// Decodes an 8-bit grayscale image (0 = black, row-major, no padding) with libzbar.
/// Only QR Code and Code 128 are enabled. A new scanner per call: zbar scanners must not
/// be shared between threads, and swift-testing runs tests in parallel.
func zbarDecode(gray: [UInt8], width: Int, height: Int) -> [(symbology: String, data: [UInt8])] {
    // zbar reads width × height bytes whatever the buffer holds.
    precondition(width > 0 && height > 0 && gray.count == width * height, "image size does not match the buffer")
    guard let scanner = zbar_image_scanner_create() else { return [] }
    defer { zbar_image_scanner_destroy(scanner) }
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
    zbar_image_scanner_set_config(scanner, ZBAR_CODE128, ZBAR_CFG_ENABLE, 1)

    guard let image = zbar_image_create() else { return [] }
    defer { zbar_image_destroy(image) }
    zbar_image_set_format(image, zbar_fourcc_parse("Y800"))  // zbar_fourcc is a macro
    zbar_image_set_size(image, UInt32(width), UInt32(height))

    return gray.withUnsafeBytes { buffer in
        // zbar neither copies nor frees this pointer: scan and copy results out while it is
        // valid, then detach it before the image is destroyed.
        zbar_image_set_data(image, buffer.baseAddress, UInt(buffer.count), nil)
        defer { zbar_image_set_data(image, nil, 0, nil) }
        guard zbar_scan_image(scanner, image) > 0 else { return [] }

        var results: [(symbology: String, data: [UInt8])] = []
        var symbol = zbar_image_first_symbol(image)
        while let current = symbol {
            let name = String(cString: zbar_get_symbol_name(zbar_symbol_get_type(current)))
            let length = Int(zbar_symbol_get_data_length(current))
            let data = zbar_symbol_get_data(current).map {
                Array(UnsafeRawBufferPointer(start: UnsafeRawPointer($0), count: length))
            } ?? []
            results.append((name, data))
            symbol = zbar_symbol_next(current)
        }
        return results
    }
}

/// A 2-D symbol as a grayscale image: `scale` pixels per module, `quietZone` light modules
/// on every side.
func render(_ m: BitMatrix, scale: Int, quietZone: Int) -> (gray: [UInt8], width: Int, height: Int) {
    let width = (m.width + 2 * quietZone) * scale
    let height = (m.height + 2 * quietZone) * scale
    var gray = [UInt8](repeating: 255, count: width * height)
    for y in 0..<m.height {
        for x in 0..<m.width where m[x, y] {
            for py in 0..<scale {
                let row = ((y + quietZone) * scale + py) * width
                for px in 0..<scale {
                    gray[row + (x + quietZone) * scale + px] = 0
                }
            }
        }
    }
    return (gray, width, height)
}

/// A 1-D symbol (`true` = bar) as a grayscale image: `scale` pixels per module,
/// `quietZone` light modules left and right, bars `barHeight` pixels tall with a light
/// margin of a quarter of that above and below.
func render(bars modules: [Bool], scale: Int = 2, quietZone: Int = 10, barHeight: Int = 60) -> (gray: [UInt8], width: Int, height: Int) {
    let margin = barHeight / 4
    let width = (modules.count + 2 * quietZone) * scale
    let height = barHeight + 2 * margin
    var row = [UInt8](repeating: 255, count: width)
    for (index, dark) in modules.enumerated() where dark {
        for px in 0..<scale { row[(index + quietZone) * scale + px] = 0 }
    }
    let blank = [UInt8](repeating: 255, count: width)
    var gray: [UInt8] = []
    gray.reserveCapacity(width * height)
    for y in 0..<height {
        gray.append(contentsOf: (margin..<margin + barHeight).contains(y) ? row : blank)
    }
    return (gray, width, height)
}
