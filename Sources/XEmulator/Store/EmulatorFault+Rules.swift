import XEmulatorControl

/// The emulator's checks of a fault the control API was given, and which requests it applies to.
extension EmulatorFault {
    /// Why this fault cannot be applied, or `nil` when it can.
    var problem: String? {
        if count < 1 { return "count must be at least 1" }
        switch kind {
        case .status:
            guard let status, (400...599).contains(status) else { return "kind status needs a status from 400 to 599" }
        case .delay, .lateAnswer:
            guard let delayMs, (0...600_000).contains(delayMs) else { return "kind \(kind.rawValue) needs delayMs from 0 to 600000" }
        case .drop, .malformed, .lostAnswer:
            break
        }
        return nil
    }

    func matches(pattern: String, path: String, family: EndpointFamily?) -> Bool {
        guard let endpoint, !endpoint.isEmpty else { return true }
        if endpoint.hasPrefix("/") { return path.hasPrefix(endpoint) }
        if let family, family.rawValue == endpoint { return true }
        return endpoint == pattern
    }
}
