/// How a test request authenticates.
enum TestAuth: Sendable {
    case none
    /// Signed with the harness's OAuth 1.0a credentials at the clock's time.
    case oauth1
    case bearer(String)
    case header(String)
}
