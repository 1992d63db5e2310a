import AMQP
import Foundation

/// How the dispatch worker reads the headers of a send command and its retry copies (their
/// names are the wire contract's, `WireContract.Header`).
public enum DispatchHeaders {
    /// What the worker reads from a delivery's headers besides the validator's account header.
    public struct Retry: Sendable, Hashable {
        /// This delivery's attempt, from 1.
        public var attempt: Int
        /// See `WireContract.Header.unverifiedSince`.
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
        if let value = headers[WireContract.Header.attempt] {
            guard let number = value.intValue, number >= 1, number <= 1_000_000 else {
                return .failure(CommandFailure(.invalidHeader, "header \(WireContract.Header.attempt) must be an integer from 1 (it is \(describe(value)))"))
            }
            retry.attempt = Int(number)
        }
        if let value = headers[WireContract.Header.unverifiedSince] {
            guard let millis = value.intValue, millis > 0 else {
                return .failure(CommandFailure(.invalidHeader, "header \(WireContract.Header.unverifiedSince) must be epoch milliseconds (it is \(describe(value)))"))
            }
            retry.unverifiedSince = Date(timeIntervalSince1970: Double(millis) / 1000)
        }
        return .success(retry)
    }

    /// The `x-account-id` header as the validator takes it: absent, a string, or present with
    /// another type (`.some(nil)`).
    public static func accountHeader(from headers: AMQPTable) -> String?? {
        guard let value = headers[WireContract.Header.accountId] else { return .none }
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
