/// One rendered push of one DM event: where it goes and the exact bytes (a webhook's body is
/// signed over these bytes; a stream line is them followed by `\r\n`).
struct PushDelivery: Sendable {
    enum Target: Sendable, Equatable {
        case webhook(id: UInt64, url: String)
        /// The X Activity stream: subscriptions without a webhook.
        case stream
    }

    let target: Target
    let eventID: UInt64
    /// The event's creation time, emulator-clock milliseconds: the stream's backfill window.
    let createdAtMilliseconds: Int64
    let body: [UInt8]
    /// Whether a replay job sent it (recorded with each attempt).
    let replay: Bool
}
