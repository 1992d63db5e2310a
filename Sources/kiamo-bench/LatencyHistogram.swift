import Histogram

/// The benchmarks' latencies: an HdrHistogram recording microseconds to three significant digits
/// (0.1 % at any value, whatever the range), read back in milliseconds. One percentile rule for
/// every benchmark, instead of each indexing its own sorted array.
struct LatencyHistogram {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)

    init() {}

    init(milliseconds: some Sequence<Double>) {
        for value in milliseconds { record(milliseconds: value) }
    }

    mutating func record(milliseconds: Double) {
        record(microseconds: milliseconds * 1000)
    }

    mutating func record(microseconds: Double) {
        _ = histogram.record(UInt64(max(0, microseconds).rounded()))
    }

    var count: UInt64 { histogram.totalCount }

    /// The latency `percentile` (0 to 100) of the recorded ones are at or under, in ms; 0 when none.
    func milliseconds(atPercentile percentile: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// The largest recorded, in ms; 0 when none.
    var maxMilliseconds: Double {
        count == 0 ? 0 : Double(histogram.max) / 1000
    }
}
