import Logging

/// Async HTTP client over the libcurl multi interface.
///
/// One client serves any number of concurrent requests from any task. It owns one thread (see
/// `CurlHTTP.swift`) that drives every transfer, so awaiting a response never blocks a thread of
/// Swift's cooperative pool. Connections are kept alive and reused per host (at most
/// `Configuration.maxConnectionsPerHost` at once; more requests queue), responses are decoded from
/// gzip/deflate, TLS is verified against the system CA store, and proxies come from the standard
/// environment variables (`http_proxy`, `https_proxy`, `no_proxy`) unless configured otherwise.
///
/// Share one client per process rather than creating one per request: reuse of connections, DNS
/// results and TLS sessions lives in it. Call `shutdown()` when done; `deinit` does it too.
public final class HTTPClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    private let loop: TransferLoop
    private let logger: Logger

    /// Creates a client and starts its thread.
    ///
    /// Throws `HTTPClientError.invalidConfiguration` for an unusable configuration (a zero
    /// timeout, a negative limit) and `.libcurlUnavailable` if libcurl cannot be initialised.
    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "kiamo.http")) throws {
        if let problem = configuration.problem { throw HTTPClientError.invalidConfiguration(reason: problem) }
        self.configuration = configuration
        self.logger = logger
        loop = try TransferLoop(configuration: configuration, logger: logger)
        loop.start()
    }

    deinit { loop.shutdown() }

    /// Performs `request` and returns the final response, whatever its status: a 404 or a 500 is
    /// a response, not an error.
    ///
    /// Throws `HTTPClientError` when no complete response arrived (bad URL, DNS, connection, TLS,
    /// timeout, size limit, shutdown), or `CancellationError` when the calling task is cancelled;
    /// cancelling aborts the transfer at once and frees its handle, and the connection it used is
    /// closed rather than reused. A bad URL or header fails before anything is sent.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let prepared = try PreparedRequest(request, configuration: configuration)
        try Task.checkCancellation()
        let id = try loop.reserve()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.submit(id, prepared, continuation)
            }
        } onCancel: {
            loop.cancel(id)
        }
    }

    /// Stops the client: requests in flight fail with `HTTPClientError.shutdown`, later calls to
    /// `execute` throw it at once, and the client's thread frees every handle and connection and
    /// ends. Returns without waiting for the thread; calling it again does nothing.
    public func shutdown() {
        loop.shutdown()
    }

    /// Requests accepted by `execute` and not yet answered (for tests and metrics).
    package var inFlightCount: Int { loop.inFlightCount }

    /// libcurl easy handles currently allocated: one per request on the client's thread.
    package var liveHandleCount: Int { loop.liveHandleCount }

    /// False once the client's thread has freed everything and ended after `shutdown()`.
    package var isRunning: Bool { loop.isRunning }
}
