/// The last N durations of something (scan to published cart), for maintenance and benchmarks.
struct LatencyWindow: Sendable {
    let capacity: Int
    private(set) var values: [Duration] = []
    private var next = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func add(_ value: Duration) {
        if values.count < capacity {
            values.append(value)
        } else {
            values[next] = value
            next = (next + 1) % capacity
        }
    }
}

/// Count and percentiles in microseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public let count: Int
    public let p50Microseconds: Double?
    public let p99Microseconds: Double?
    public let maxMicroseconds: Double?

    init(_ values: [Duration]) {
        let sorted = values.map { Double($0.components.seconds) * 1e6 + Double($0.components.attoseconds) / 1e12 }.sorted()
        count = sorted.count
        func at(_ q: Double) -> Double? { sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
        p50Microseconds = at(0.5)
        p99Microseconds = at(0.99)
        maxMicroseconds = sorted.last
    }
}
