import XEmulatorControl

/// How the emulator counts what it served.
extension EmulatorStats {
    /// Counts one request; `outcome` is the status as text, or `dropped` for a closed connection.
    mutating func record(route: String, family: EndpointFamily?, outcome: String) {
        requests[route, default: [:]][outcome, default: 0] += 1
        if let family { families[family.rawValue, default: [:]][outcome, default: 0] += 1 }
    }
}
