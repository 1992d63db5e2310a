import AMQP
import Foundation
import KiamoTwitter
import SharedState
import XAPI

/// Why an operation of `kiamo-twitter` failed: one line an operator can act on, and the exit code
/// a shell user expects (2 for a wrong command line or configuration, 1 for an operation that
/// failed). Never holds a secret: it is built from the libraries' secret-free descriptions.
public struct AdminError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which kind of failure, deciding the exit code.
    public enum Kind: Sendable, Equatable {
        /// The command line asks for something impossible (missing or contradictory options).
        case usage
        /// The configuration cannot serve the command (no account, wrong credential kind, bad URL).
        case configuration
        /// The operation was attempted and failed (X, the broker or the state store said no).
        case failed
    }

    /// Which kind of failure (decides the exit code).
    public let kind: Kind
    /// The line printed on standard error (no secret).
    public let message: String

    /// A failure of `kind` described by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A wrong command line (exit code 2).
    public static func usage(_ message: String) -> AdminError { AdminError(.usage, message) }
    /// A configuration that cannot serve the command (exit code 2).
    public static func configuration(_ message: String) -> AdminError { AdminError(.configuration, message) }
    /// An operation that failed (exit code 1).
    public static func failed(_ message: String) -> AdminError { AdminError(.failed, message) }

    /// 2 for usage and configuration, 1 for a failed operation.
    public var exitCode: Int32 { kind == .failed ? 1 : 2 }

    /// The message.
    public var description: String { message }

    /// `error` as an `AdminError`, naming the part that failed: X (with its base URL), the broker
    /// (its URL redacted), the state store, or the configuration.
    public static func wrap(_ error: any Error, configuration: Configuration) -> AdminError {
        switch error {
        case let error as AdminError:
            return error
        case let error as ConfigurationError:
            return .configuration(error.description)
        case let error as XAPIError:
            if case .invalidArgument = error { return .usage(error.description) }
            return .failed("X API at \(ConfigurationReport.maskedURL(configuration.api.baseURL)): \(error)")
        case let error as AMQPError:
            if case .invalidURL = error { return .configuration("amqp.url (KIAMO_TWITTER_AMQP_URL): \(error)") }
            return .failed("broker \(AMQPConfiguration.redact(configuration.amqp.url.reveal())): \(error)")
        case let error as StateStoreError:
            let failure = StateStoreOpener.failure(error)
            return failure.isConfiguration ? .configuration(failure.message) : .failed(failure.message)
        case is CancellationError:
            return .failed("interrupted")
        default:
            return .failed("\(error)")
        }
    }
}
