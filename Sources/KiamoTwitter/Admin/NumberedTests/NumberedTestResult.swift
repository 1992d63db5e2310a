import Foundation

/// How a numbered test went.
public struct NumberedTestResult: AdminReport {
    public var test: NumberedTest
    public var steps: [String]
    public var ok: Bool
    public var failure: String?
    /// 0, or the failure's exit code (1, or 2 for a test given wrong options).
    public var exitCode: Int32 = 0

    private enum CodingKeys: String, CodingKey { case test, steps, ok, failure }

    public var lines: [String] {
        ["test \(test.number): \(test.name) (\(test.purpose))"] + steps + [ok ? "OK" : "FAILED: \(failure ?? "unknown")"]
    }
}
