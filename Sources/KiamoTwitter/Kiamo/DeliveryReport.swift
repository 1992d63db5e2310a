import Foundation

/// What became of a send command: published to `kiamo.twitter.reports` with routing key
/// `report.<accountId>.sent` or `report.<accountId>.failed` and `correlation_id` = `commandId`.
public struct DeliveryReport: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case sent, failed
    }

    /// Why a command failed, in words an agent or an operator can act on.
    public struct Failure: Codable, Sendable, Hashable {
        /// A stable code (`invalid_json`, `x_rejected`, `retries_exhausted`, ...: `CommandFailure.Code`).
        public var code: String
        public var message: String
        /// X's HTTP status when X refused the DM.
        public var httpStatus: Int?

        public init(code: String, message: String, httpStatus: Int? = nil) {
            self.code = code
            self.message = message
            self.httpStatus = httpStatus
        }
    }

    public var commandId: String
    public var status: Status
    /// The DM event id X gave the reply (the last part's when the reply was split).
    public var dmEventId: String?
    public var conversationId: String?
    public var accountId: String?
    public var recipientId: String?
    /// Attempts made, the successful one included.
    public var attempts: Int
    /// ISO 8601 time of the outcome.
    public var at: String
    public var error: Failure?

    public init(
        commandId: String, status: Status, dmEventId: String? = nil, conversationId: String? = nil,
        accountId: String? = nil, recipientId: String? = nil, attempts: Int, at: Date, error: Failure? = nil
    ) {
        self.commandId = commandId
        self.status = status
        self.dmEventId = dmEventId
        self.conversationId = conversationId
        self.accountId = accountId
        self.recipientId = recipientId
        self.attempts = attempts
        self.at = Self.timestamp(at)
        self.error = error
    }

    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
