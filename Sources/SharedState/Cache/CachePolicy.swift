/// The original connector's cache settings, with its names.
public struct CachePolicy: Sendable, Hashable, Codable {
    /// When false, `getFromCache` always misses and `addToCache` stores nothing.
    public var enabled: Bool
    /// The minimum number of seconds between two cache cleanups, across every process.
    public var checkEveryInSecs: Int
    /// How old (since its `updatedAt`) a cached record may be before it counts as a miss.
    public var expirationInSecs: Int

    /// Defaults: enabled, a cleanup at most every 10 minutes, records kept a day.
    public init(enabled: Bool = true, checkEveryInSecs: Int = 600, expirationInSecs: Int = 86_400) {
        self.enabled = enabled
        self.checkEveryInSecs = checkEveryInSecs
        self.expirationInSecs = expirationInSecs
    }
}
