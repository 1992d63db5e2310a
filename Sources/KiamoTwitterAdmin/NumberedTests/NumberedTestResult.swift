import Foundation
import KiamoTwitter

/// How a numbered test went.
public struct NumberedTestResult: AdminReport {
    /// The test run.
    public var test: NumberedTest
    /// What it did, up to the failure if any.
    public var steps: [String]
    /// True when it ended with OK.
    public var ok: Bool
    /// Why it failed.
    public var failure: String?
    /// 0, or the failure's exit code (1, or 2 for a test given wrong options).
    public var exitCode: Int32 = 0

    private enum CodingKeys: String, CodingKey { case test, steps, ok, failure }

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        [Self.title(of: test)] + steps + [ok ? "OK" : "FAILED: \(failure ?? "unknown")"]
    }

    /// The report's first line: the test's number, name and purpose.
    public static func title(of test: NumberedTest) -> String {
        "test \(test.number): \(test.name) (\(test.purpose))"
    }
}
