extension QRCode {
    /// Arithmetic in GF(2^8) with the QR code's field polynomial
    /// x^8 + x^4 + x^3 + x^2 + 1 (0x11D), ISO/IEC 18004:2015 clause 7.5.2. Addition is XOR.
    enum GF256 {
        /// exp[i] = α^i with α = 2; twice the period long so `log a + log b` needs no modulo.
        static let exp: [UInt8] = {
            var table = [UInt8](repeating: 0, count: 512)
            var value = 1
            for i in 0..<512 {
                table[i] = UInt8(value)
                value <<= 1
                if value & 0x100 != 0 { value ^= 0x11D }
            }
            return table
        }()

        /// log[a] for a != 0; log[0] is unused.
        static let log: [Int] = {
            var table = [Int](repeating: 0, count: 256)
            for i in 0..<255 { table[Int(exp[i])] = i }
            return table
        }()

        static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
            if a == 0 || b == 0 { return 0 }
            return exp[log[Int(a)] + log[Int(b)]]
        }
    }

    /// Reed–Solomon error correction codewords, ISO/IEC 18004:2015 clause 7.5.2.
    enum ReedSolomon {
        /// Coefficients of g(x) = (x - α^0)(x - α^1)…(x - α^(degree-1)), highest power first;
        /// the leading coefficient (always 1) is included.
        static func generator(degree: Int) -> [UInt8] {
            var g: [UInt8] = [1]
            for i in 0..<degree {
                // Multiply by (x + α^i): shift up one power, then add α^i times the old polynomial.
                var next = g + [0]
                for (j, c) in g.enumerated() {
                    next[j + 1] ^= GF256.multiply(c, GF256.exp[i])
                }
                g = next
            }
            return g
        }

        /// The remainder of data(x)·x^n divided by g(x): the n error correction codewords.
        static func errorCorrection(for data: [UInt8], count n: Int) -> [UInt8] {
            let g = generator(degree: n)
            var remainder = [UInt8](repeating: 0, count: n)
            for byte in data {
                // Long division one data codeword at a time (the register of a hardware LFSR).
                let factor = byte ^ remainder[0]
                remainder.removeFirst()
                remainder.append(0)
                for j in 0..<n {
                    remainder[j] ^= GF256.multiply(g[j + 1], factor)
                }
            }
            return remainder
        }
    }
}
