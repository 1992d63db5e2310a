import AMQP
import Foundation

/// The headers the dispatch worker reads and writes on send commands, their retry copies and
/// their dead letters (the wire contract in the README), and how it reads them.
public enum DispatchHeaders {
    /// On a retry copy: the attempt it is (the first delivery is attempt 1).
    public static let attempt = "x-kiamo-attempt"
    /// On a retry copy: epoch milliseconds from which an earlier attempt's outcome is unknown
    /// (X never answered its post); the next attempt looks for the DM before posting.
    public static let unverifiedSince = "x-kiamo-unverified-since"
    /// The account header a publisher may set (`send.<account>` and the body's `accountId` must agree with it).
    public static let account = "x-account-id"

    /// Dead letters: a stable code (`CommandFailure.Code`).
    public static let errorCode = "x-kiamo-error-code"
    /// Dead letters: a sentence a person can act on.
    public static let errorMessage = "x-kiamo-error-message"
    /// Dead letters: X's HTTP status, when X refused the DM.
    public static let httpStatus = "x-kiamo-http-status"
    /// Dead letters: attempts made.
    public static let attempts = "x-kiamo-attempts"
    /// Dead letters: the command id the `failed` report carries as `commandId`.
    public static let commandId = "x-kiamo-command-id"
    /// Dead letters: the routing key and exchange the command arrived with.
    public static let originalRoutingKey = "x-kiamo-original-routing-key"
    public static let originalExchange = "x-kiamo-original-exchange"
    /// Dead letters: how many of the command's own headers were left out (too large, or past
    /// the bound on what a dead letter copies).
    public static let headersOmitted = "x-kiamo-headers-omitted"
    /// Added by the AMQP module to mandatory publishes; never copied from a delivery.
    static let publishTag = "x-kiamo-publish-tag"

    /// What the worker reads from a delivery's headers besides the validator's account header.
    public struct Retry: Sendable, Hashable {
        /// This delivery's attempt, from 1.
        public var attempt: Int
        /// See `DispatchHeaders.unverifiedSince`.
        public var unverifiedSince: Date?

        /// The headers of a first delivery by default.
        public init(attempt: Int = 1, unverifiedSince: Date? = nil) {
            self.attempt = attempt
            self.unverifiedSince = unverifiedSince
        }
    }

    /// The retry headers of `headers`, or the failure naming the header of the wrong type.
    public static func retry(from headers: AMQPTable) -> Result<Retry, CommandFailure> {
        var retry = Retry()
        if let value = headers[attempt] {
            guard let number = value.intValue, number >= 1, number <= 1_000_000 else {
                return .failure(CommandFailure(.invalidHeader, "header \(attempt) must be an integer from 1 (it is \(describe(value)))"))
            }
            retry.attempt = Int(number)
        }
        if let value = headers[unverifiedSince] {
            guard let millis = value.intValue, millis > 0 else {
                return .failure(CommandFailure(.invalidHeader, "header \(unverifiedSince) must be epoch milliseconds (it is \(describe(value)))"))
            }
            retry.unverifiedSince = Date(timeIntervalSince1970: Double(millis) / 1000)
        }
        return .success(retry)
    }

    /// The `x-account-id` header as the validator takes it: absent, a string, or present with
    /// another type (`.some(nil)`).
    public static func accountHeader(from headers: AMQPTable) -> String?? {
        guard let value = headers[account] else { return .none }
        return .some(value.stringValue)
    }

    /// A header value's type, for messages (never the value: it may be anything).
    static func describe(_ value: AMQPValue) -> String {
        switch value {
        case .string: "a string"
        case .bool: "a boolean"
        case .float, .double, .decimal: "a decimal number"
        case .bytes: "bytes"
        case .array: "an array"
        case .table: "a table"
        case .timestamp: "a timestamp"
        case .void: "void"
        default: value.intValue.map { "the integer \($0)" } ?? "of another type"
        }
    }
}
