import Foundation

/// Prints the JSON lines `scripts/bench` promises: `{"bench", "metric", "value", "unit", "goal"}`.
enum BenchReport {
    /// `goal` is the target of the issue that asked for the figure; `nil` when there is none.
    static func emit(bench: String, metric: String, value: Double, unit: String, goal: Double? = nil) {
        var object: [String: Any] = ["bench": bench, "metric": metric, "value": rounded(value), "unit": unit]
        if let goal { object["goal"] = goal }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    private static func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}
