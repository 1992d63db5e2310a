import CurlHTTP

/// Performs one HTTP exchange: what the X client needs from an HTTP library.
///
/// CurlHTTP's `HTTPClient` is the production transport; unit tests pass canned responses.
/// Implementations throw `HTTPClientError` for transport failures and `CancellationError` when
/// the calling task is cancelled.
public protocol XHTTPTransport: Sendable {
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse
}

extension HTTPClient: XHTTPTransport {}
