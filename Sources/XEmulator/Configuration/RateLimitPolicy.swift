/// Rate limits per user and endpoint family, in fixed windows as X counts them.
public struct RateLimitPolicy: Sendable, Equatable {
    /// One limit: at most `limit` requests per `seconds`, the window starting at the first request.
    public struct Window: Sendable, Equatable, Hashable {
        /// Requests allowed per window.
        public var limit: Int
        /// Length of the window.
        public var seconds: Int
        /// A window of `limit` requests per `seconds`.
        public init(limit: Int, seconds: Int) {
            self.limit = limit
            self.seconds = seconds
        }
    }

    /// When `false`, requests are never refused for their rate, but every response of a limited
    /// endpoint still carries `x-rate-limit-*` headers, with `remaining` equal to the limit (so a
    /// client that paces itself on them never waits): what benchmarks use.
    public var enforced: Bool
    /// The windows of each family; a family with several (DM sends) is refused when any is spent.
    public var windows: [EndpointFamily: [Window]]

    /// X's windows by default, enforced unless told otherwise.
    public init(enforced: Bool = true, windows: [EndpointFamily: [Window]] = RateLimitPolicy.xWindows) {
        self.enforced = enforced
        self.windows = windows
    }

    /// X's documented per-user limits (and, for the DM media download, which X documents none
    /// for, 900 / 15 min: the most X allows a user on its other read endpoints).
    public static let xWindows: [EndpointFamily: [Window]] = [
        .dmRead: [Window(limit: 300, seconds: 900)],
        .dmSend: [Window(limit: 200, seconds: 900), Window(limit: 1000, seconds: 86_400)],
        .usersMe: [Window(limit: 75, seconds: 900)],
        .userLookup: [Window(limit: 900, seconds: 900)],
        .v1EventsList: [Window(limit: 15, seconds: 900)],
        .v1EventsShow: [Window(limit: 15, seconds: 900)],
        .v1EventsNew: [Window(limit: 1000, seconds: 86_400)],
        .v1UsersShow: [Window(limit: 900, seconds: 900)],
        .dmMediaDownload: [Window(limit: 900, seconds: 900)],
        .mediaUpload: [Window(limit: 500, seconds: 900)],
        .mediaUploadStatus: [Window(limit: 1000, seconds: 900)],
        .mediaUploadInit: [Window(limit: 1875, seconds: 900)],
        .mediaUploadAppend: [Window(limit: 1875, seconds: 900)],
        .mediaUploadFinalize: [Window(limit: 1875, seconds: 900)],
    ]

    /// X's limits, enforced.
    public static let x = RateLimitPolicy()
    /// Never enforced; the headers report a budget of a million calls, so clients never pace.
    public static let off = RateLimitPolicy(enforced: false)
}
