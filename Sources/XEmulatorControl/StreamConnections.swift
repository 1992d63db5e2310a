/// What `GET /_emulator/stream/connections` answers: the activity stream's connections now and
/// what they were sent since start or the last reset.
public struct StreamConnections: Sendable, Equatable, Codable {
    /// Connections open right now.
    public var open: Int
    /// Event lines sent over every connection (keep-alives not counted).
    public var linesSent: Int
    /// Keep-alive lines (`\r\n`) sent over every connection.
    public var keepAlivesSent: Int

    /// A snapshot.
    public init(open: Int, linesSent: Int, keepAlivesSent: Int) {
        self.open = open
        self.linesSent = linesSent
        self.keepAlivesSent = keepAlivesSent
    }
}
