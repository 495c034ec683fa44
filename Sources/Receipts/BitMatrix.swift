/// A rectangle of dark/light modules (or dots), row-major, origin at the top left.
/// Shared by the QR encoder and the raster code; `true` means dark.
public struct BitMatrix: Hashable, Sendable {
    public let width: Int
    public let height: Int
    private var bits: [Bool]

    /// An all-light matrix.
    public init(width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "BitMatrix size must not be negative")
        self.width = width
        self.height = height
        self.bits = Array(repeating: false, count: width * height)
    }

    public subscript(x: Int, y: Int) -> Bool {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "BitMatrix index out of range")
            return bits[y * width + x]
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "BitMatrix index out of range")
            bits[y * width + x] = newValue
        }
    }

    /// The same module with labels, `m[x: 3, y: 4]`, for call sites that read better spelled out.
    public subscript(x x: Int, y y: Int) -> Bool {
        get { self[x, y] }
        set { self[x, y] = newValue }
    }
}
