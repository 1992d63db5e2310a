extension Duration {
    /// The duration in (fractional) seconds, for date arithmetic.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
