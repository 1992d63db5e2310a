/// A configuration that cannot be used: one line naming the key, where its value came from and
/// what is wrong, so the operator knows what to change. Never shows a secret's value.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The setting at fault (`dispatch.maxAttempts`, `accounts[0].userId`), or the file.
    public let key: String
    /// Where the value came from: `config.yaml:12`, `KIAMO_TWITTER_POLL_INTERVAL`, or `nil`.
    public let origin: String?
    public let problem: String

    public init(key: String, origin: String? = nil, problem: String) {
        self.key = key
        self.origin = origin
        self.problem = problem
    }

    public var description: String {
        if let origin { return "configuration error: \(key) (\(origin)): \(problem)" }
        return "configuration error: \(key): \(problem)"
    }
}
