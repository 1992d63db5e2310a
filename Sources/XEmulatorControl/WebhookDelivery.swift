import Foundation

/// One attempt of the emulator to deliver an event to a webhook, as `GET /_emulator/webhooks/deliveries`
/// lists them: what a test checks retries, replays and signatures against.
public struct WebhookDelivery: Sendable, Equatable, Codable {
    /// The webhook delivered to.
    public var webhookID: String
    /// The DM event delivered.
    public var eventID: String
    /// 1 for the first attempt, 2 for the first retry, and so on.
    public var attempt: Int
    /// The HTTP status the receiver answered; 0 when it did not answer in time or refused the connection.
    public var status: Int
    /// Whether the attempt belongs to a replay job.
    public var replay: Bool
    /// When the attempt ended (wall clock: retries run in real time).
    public var at: Date

    enum CodingKeys: String, CodingKey {
        case webhookID = "webhook_id"
        case eventID = "event_id"
        case attempt, status, replay, at
    }

    /// An attempt record.
    public init(webhookID: String, eventID: String, attempt: Int, status: Int, replay: Bool, at: Date) {
        self.webhookID = webhookID
        self.eventID = eventID
        self.attempt = attempt
        self.status = status
        self.replay = replay
        self.at = at
    }
}
