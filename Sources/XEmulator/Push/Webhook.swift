/// A webhook an app registered with `POST /2/webhooks`.
struct Webhook: Sendable {
    let id: UInt64
    let url: String
    /// Whether its last CRC passed; an invalid webhook gets no delivery until a `PUT` validates it.
    var valid: Bool
    let createdAtMilliseconds: Int64
    /// When its last CRC ran, emulator-clock seconds: the periodic check counts from it.
    var checkedAt: Double

    /// `{"id","url","valid","created_at"}` (the schema's `WebhookConfig`).
    var json: JSONValue {
        .object([
            ("id", .string(String(id))), ("url", .string(url)), ("valid", .bool(valid)),
            ("created_at", .string(XTimestamp.iso8601(milliseconds: createdAtMilliseconds))),
        ])
    }
}
