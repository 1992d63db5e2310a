extension HTTPClientError {
    /// Which deadline a timed-out request missed.
    public enum TimeoutPhase: String, Sendable, Hashable {
        /// The connection (name resolution, TCP and TLS handshakes) was not up within the connect timeout.
        case connect
        /// The connection was up, but the whole exchange did not finish within the total timeout.
        case total
    }
}
