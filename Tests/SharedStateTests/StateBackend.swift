import Testing

/// The state stores the conformance suite runs every case on: the same assertions, two backends.
enum StateBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// A fresh file in a temporary folder.
    case sqlite
    /// A fresh database on the test run's private server (`scripts/test-postgres`), dropped after
    /// the test; without one (`KIAMO_TEST_POSTGRES_URL` unset) the case fails, it never skips.
    case postgres

    var testDescription: String { rawValue }
}
