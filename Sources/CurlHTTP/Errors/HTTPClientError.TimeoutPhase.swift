extension HTTPClientError {
    /// Which deadline a timed-out request missed.
    public enum TimeoutPhase: String, Sendable, Hashable {
        /// The connection (name resolution, TCP and TLS handshakes) was not up within the connect timeout.
        case connect
        /// The connection was up, but the whole exchange did not finish within the total timeout.
        case total
        /// The response was under way, but nothing arrived for the stall timeout (a stream whose
        /// keep-alives stopped); `limit` is that timeout.
        case stall
    }
}
