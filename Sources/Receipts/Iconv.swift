import Glibc

struct IconvError: Error, Equatable, CustomStringConvertible {
    /// The errno iconv left.
    let code: Int32
    let operation: String

    var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
}

/// Owns one glibc iconv descriptor and closes it when released. Not thread-safe:
/// iconv keeps state in the descriptor, so each user makes its own.
final class Iconv {
    private let descriptor: iconv_t

    init(from source: String, to target: String) throws(IconvError) {
        guard let descriptor = iconv_open(target, source), descriptor != iconv_t(bitPattern: -1) else {
            throw IconvError(code: errno, operation: "iconv_open(\(target), \(source))")
        }
        self.descriptor = descriptor
    }

    deinit { iconv_close(descriptor) }

    /// Converts all of a short `input` into `output` without allocating (a character at a time):
    /// the bytes written, or nil when it does not convert or does not fit.
    func convert(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        _ = iconv(descriptor, nil, nil, nil, nil)
        var inPointer = UnsafeMutableRawPointer(mutating: input.baseAddress)?.assumingMemoryBound(to: CChar.self)
        var inLeft = input.count
        var outPointer = UnsafeMutableRawPointer(output.baseAddress)?.assumingMemoryBound(to: CChar.self)
        var outLeft = output.count
        guard iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
        return output.count - outLeft
    }

    /// Converts all of `input`, or throws (EILSEQ: not representable or malformed,
    /// EINVAL: input ends inside a character).
    func convert(_ input: [UInt8]) throws(IconvError) -> [UInt8] {
        _ = iconv(descriptor, nil, nil, nil, nil)  // back to the initial shift state
        var input = input
        var output: [UInt8] = []
        var failure: Int32?
        input.withUnsafeMutableBytes { inBytes in
            var inPointer = inBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
            var inLeft = inBytes.count
            var chunk = [UInt8](repeating: 0, count: 256)
            while inLeft > 0, failure == nil {
                chunk.withUnsafeMutableBytes { outBytes in
                    var outPointer = outBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var outLeft = outBytes.count
                    let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                    let code = errno
                    output += outBytes.prefix(outBytes.count - outLeft)
                    // E2BIG only means the chunk is full: go round again.
                    if result == -1, code != E2BIG { failure = code }
                }
            }
        }
        if let failure { throw IconvError(code: failure, operation: "iconv") }
        return output
    }
}
