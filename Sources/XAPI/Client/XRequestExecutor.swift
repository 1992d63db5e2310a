import CurlHTTP
import Foundation
import Logging

/// Performs one X API call for a dialect: builds the URL, authenticates, sends, retries once
/// after a 401 with a refreshed OAuth 2.0 token, and turns every non-2xx answer into `XAPIError`.
struct XRequestExecutor: Sendable {
    /// A request before authentication: query parameters decoded (they are encoded once, here,
    /// with the same function the OAuth 1.0a signature uses).
    struct Endpoint: Sendable {
        var method: HTTPMethod
        var path: String
        var query: [(name: String, value: String)] = []
        var jsonBody: Data? = nil
        /// What the answer may be (`Accept`).
        var accept = "application/json"
        /// The largest body accepted; nil: the HTTP client's limit.
        var maxResponseSize: Int? = nil
        /// Another host of X's than `baseURL` (DM media for OAuth 1.0a: `resolvedMediaBaseURL`).
        var base: String? = nil
        /// A streamed answer (the activity stream): its 2xx body piece by piece, the whole
        /// exchange bounded by `timeout` instead of the configuration's, and ended when nothing
        /// arrives for `stallTimeout`.
        var receiveBody: (@Sendable (Data) -> Void)? = nil
        var timeout: Duration? = nil
        var stallTimeout: Duration? = nil
    }

    /// A 2xx answer's body and budget.
    struct Answer: Sendable {
        var status: Int
        var body: Data
        var rateLimit: RateLimitInfo?
        var contentType: String? = nil
    }

    let configuration: XAPIConfiguration
    let authorizer: XRequestAuthorizer
    let exchange: XCall
    let clock: @Sendable () -> Date
    /// X's clock, learnt from the `Date` header of each answer.
    let serverClock: XServerClock

    func perform(_ operation: XOperation, _ endpoint: Endpoint) async throws -> Answer {
        var url = (endpoint.base ?? configuration.trimmedBaseURL) + endpoint.path
        if !endpoint.query.isEmpty { url += "?" + PercentEncoding.formEncode(endpoint.query) }
        var request = HTTPRequest(
            method: endpoint.method, url: url, body: endpoint.jsonBody,
            timeout: endpoint.timeout ?? configuration.timeout, connectTimeout: configuration.connectTimeout, maxResponseSize: endpoint.maxResponseSize,
            receiveBody: endpoint.receiveBody, stallTimeout: endpoint.stallTimeout
        )
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        request.headers.add(name: "Accept", value: endpoint.accept)
        if endpoint.jsonBody != nil { request.headers.add(name: "Content-Type", value: "application/json") }

        let sentAt = serverClock.localNow()
        let response: HTTPResponse
        switch authorizer {
        case .oauth1(let signer):
            var signed = request
            let header = try signer.authorizationHeader(method: request.method.rawValue, url: url)
            signed.headers.add(name: "Authorization", value: header)
            response = try await exchange.send(signed, operation: operation)
        case .oauth2(let store, let client):
            let refresh: OAuth2Refresh = { try await client.refresh($0) }
            let token = try await store.validToken(margin: configuration.refreshMargin, refresh: refresh)
            let first = try await exchange.send(Self.bearer(request, token), operation: operation)
            if first.status == 401 {
                // The token may have been revoked or rotated elsewhere: one refresh, one retry.
                let newer = try await store.token(afterRejecting: token, refresh: refresh)
                response = try await exchange.send(Self.bearer(request, newer), operation: operation)
            } else {
                response = first
            }
        case .app(let bearer):
            let token = try await bearer.token()
            let first = try await exchange.send(Self.bearer(request, token), operation: operation)
            if first.status == 401 {
                // Invalidated, or the app's keys were regenerated: one new token, one retry.
                response = try await exchange.send(Self.bearer(request, try await bearer.renew(after: token)), operation: operation)
            } else {
                response = first
            }
        }

        serverClock.observe(dateHeader: response.headers["date"], sentAt: sentAt, receivedAt: serverClock.localNow())
        guard (200...299).contains(response.status) else {
            throw XErrorMapper.error(for: response, operation: operation, now: clock())
        }
        return Answer(
            status: response.status, body: response.body, rateLimit: RateLimitInfo(headers: response.headers), contentType: response.headers["content-type"])
    }

    private static func bearer(_ request: HTTPRequest, _ token: OAuth2Token) -> HTTPRequest {
        bearer(request, token.accessToken)
    }

    private static func bearer(_ request: HTTPRequest, _ token: String) -> HTTPRequest {
        var request = request
        request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token)")
        return request
    }
}
