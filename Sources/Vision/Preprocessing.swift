/// A rectangle in frame pixels.
public struct Region: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The part of this region inside a `width` x `height` frame; nil when nothing is.
    public func clamped(width frameWidth: Int, height frameHeight: Int) -> Region? {
        let left = max(0, x), top = max(0, y)
        let right = min(frameWidth, x + width), bottom = min(frameHeight, y + height)
        guard right > left, bottom > top else { return nil }
        return Region(x: left, y: top, width: right - left, height: bottom - top)
    }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// What happens to a frame before zbar sees it, in this order: region of interest, downscale,
/// smoothing (skipped after a downscale, whose averaging already smooths). Smoothing is a 3x3 binomial filter ([1 2 1] x [1 2 1] / 16, edges clamped): it takes
/// the sensor noise zbar would otherwise chase as edges, which makes it both faster and better
/// at reading (../shared/notes/baselines.md). scripts/bench-reference/decode.c does the same.
public struct Preprocessing: Sendable, Hashable {
    public var smoothing: Bool
    /// Only this part of the frame is scanned (clamped to the frame; the whole frame when the two
    /// do not overlap).
    public var regionOfInterest: Region?
    /// 1 (none) or 2: each 2x2 block averaged into one pixel.
    public var downscale: Int

    public init(smoothing: Bool = true, regionOfInterest: Region? = nil, downscale: Int = 1) {
        precondition(downscale == 1 || downscale == 2, "downscale is 1 or 2")
        self.smoothing = smoothing
        self.regionOfInterest = regionOfInterest
        self.downscale = downscale
    }
}

/// Where a pixel of the prepared image lies in the original frame.
public struct FrameMapping: Sendable, Hashable {
    public var offsetX = 0
    public var offsetY = 0
    public var scale = 1

    public func frameX(_ x: Int) -> Int { x * scale + offsetX }
    public func frameY(_ y: Int) -> Int { y * scale + offsetY }
}

/// Runs `Preprocessing` into buffers it keeps between frames (no allocation per frame once the
/// frame size is steady). One per decoder, like the zbar scanner: not for sharing across threads.
final class Preprocessor {
    let options: Preprocessing
    private var cropped = Scratch<UInt8>()
    private var reduced = Scratch<UInt8>()
    private var smoothed = Scratch<UInt8>()
    private var row = Scratch<UInt16>()

    init(_ options: Preprocessing) {
        self.options = options
    }

    deinit {
        cropped.free()
        reduced.free()
        smoothed.free()
        row.free()
    }

    /// Calls `body` with the prepared image (width * height bytes), its size, and the mapping back.
    func withPrepared<R>(_ frame: GrayFrame,
                         _ body: (UnsafePointer<UInt8>, _ width: Int, _ height: Int, FrameMapping) -> R) -> R {
        frame.pixels.withUnsafeBufferPointer { source in
            var pixels = source.baseAddress!
            var width = frame.width, height = frame.height
            var mapping = FrameMapping()
            if let wanted = options.regionOfInterest,
               let region = wanted.clamped(width: width, height: height),
               region != Region(x: 0, y: 0, width: width, height: height) {
                let out = cropped.reserve(region.width * region.height)
                for y in 0..<region.height {
                    (out + y * region.width).update(from: pixels + (region.y + y) * width + region.x, count: region.width)
                }
                pixels = UnsafePointer(out)
                width = region.width
                height = region.height
                mapping.offsetX = region.x
                mapping.offsetY = region.y
            }
            if options.downscale == 2 && width >= 2 && height >= 2 {
                let half = (width / 2, height / 2)
                let out = reduced.reserve(half.0 * half.1)
                Self.halve(pixels, width: width, into: out, width: half.0, height: half.1)
                pixels = UnsafePointer(out)
                width = half.0
                height = half.1
                mapping.scale = 2
            }
            // Averaging 2x2 blocks has already taken the noise out: smoothing again would blur the
            // bars together (the generated frames read with one or the other, not with both).
            if options.smoothing && mapping.scale == 1 {
                let out = smoothed.reserve(width * height)
                Self.smooth(pixels, into: out, width: width, height: height, row: row.reserve(width))
                pixels = UnsafePointer(out)
            }
            return body(pixels, width, height, mapping)
        }
    }

    /// 3x3 binomial smoothing with clamped edges, rounded: the same arithmetic as decode.c.
    static func smooth(_ source: UnsafePointer<UInt8>, into destination: UnsafeMutablePointer<UInt8>,
                       width: Int, height: Int, row: UnsafeMutablePointer<UInt16>) {
        for y in 0..<height {
            let up = source + (y > 0 ? y - 1 : 0) * width
            let mid = source + y * width
            let down = source + (y < height - 1 ? y + 1 : height - 1) * width
            let out = destination + y * width
            for x in 0..<width {
                row[x] = UInt16(up[x]) &+ 2 &* UInt16(mid[x]) &+ UInt16(down[x])
            }
            if width == 1 {
                out[0] = UInt8(truncatingIfNeeded: (4 &* row[0] &+ 8) >> 4)
                continue
            }
            out[0] = UInt8(truncatingIfNeeded: (3 &* row[0] &+ row[1] &+ 8) >> 4)
            for x in 1..<(width - 1) {
                out[x] = UInt8(truncatingIfNeeded: (row[x - 1] &+ 2 &* row[x] &+ row[x + 1] &+ 8) >> 4)
            }
            out[width - 1] = UInt8(truncatingIfNeeded: (row[width - 2] &+ 3 &* row[width - 1] &+ 8) >> 4)
        }
    }

    /// Each 2x2 block to its rounded mean; an odd last row or column is dropped.
    static func halve(_ source: UnsafePointer<UInt8>, width sourceWidth: Int, into destination: UnsafeMutablePointer<UInt8>,
                      width: Int, height: Int) {
        for y in 0..<height {
            let top = source + 2 * y * sourceWidth, bottom = top + sourceWidth
            let out = destination + y * width
            for x in 0..<width {
                let sum = UInt16(top[2 * x]) &+ UInt16(top[2 * x + 1]) &+ UInt16(bottom[2 * x]) &+ UInt16(bottom[2 * x + 1])
                out[x] = UInt8(truncatingIfNeeded: (sum &+ 2) >> 2)
            }
        }
    }
}

/// A growable buffer that is reused from frame to frame.
struct Scratch<Element> {
    private var pointer: UnsafeMutablePointer<Element>?
    private var capacity = 0

    /// At least `count` elements (contents undefined).
    mutating func reserve(_ count: Int) -> UnsafeMutablePointer<Element> {
        if let pointer, capacity >= count { return pointer }
        pointer?.deallocate()
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        pointer = fresh
        capacity = max(count, 1)
        return fresh
    }

    mutating func free() {
        pointer?.deallocate()
        pointer = nil
        capacity = 0
    }
}

extension GrayFrame {
    /// This frame after `options`, as a new frame (for tests and tools; the decoder uses
    /// `Preprocessor` and its reused buffers).
    public func preprocessed(_ options: Preprocessing) -> (frame: GrayFrame, mapping: FrameMapping) {
        let preprocessor = Preprocessor(options)
        return preprocessor.withPrepared(self) { pixels, width, height, mapping in
            (GrayFrame(unchecked: width, height: height, pixels: Array(UnsafeBufferPointer(start: pixels, count: width * height))),
             mapping)
        }
    }
}
