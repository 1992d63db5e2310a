import Logging

// PLACEHOLDER: the foundation issue replaces this file with the libcurl multi implementation.
// The public surface below is the contract other modules code against.

/// Async HTTP client over the libcurl multi interface. See the module's main file for the threading rule.
public final class HTTPClient: Sendable {
    public struct Configuration: Sendable {
        public var connectTimeout: Duration = .seconds(10)
        public var timeout: Duration = .seconds(30)
        public var maxResponseSize: Int = 16 * 1024 * 1024
        public var userAgent: String = "kiamo-twitter"
        public init() {}
    }

    public let configuration: Configuration

    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "kiamo.http")) throws {
        self.configuration = configuration
    }

    /// Performs `request`; throws `HTTPClientError` (or `CancellationError` if the task was cancelled).
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        throw HTTPClientError.shutdown
    }

    /// Aborts every transfer and stops the client's thread.
    public func shutdown() {}
}

public enum HTTPClientError: Error, Sendable {
    case shutdown
}
