import CurlHTTP
import Foundation
import Synchronization

/// The app-only bearer token (OAuth 2.0 client credentials) that X's push management and the
/// activity stream require: `POST /oauth2/token` with `grant_type=client_credentials` and the
/// consumer key and secret as HTTP Basic credentials, answered `{"token_type": "bearer",
/// "access_token": "..."}`.
///
/// X keeps one such token per app until it is invalidated, so it is fetched once and kept in
/// memory; a 401 on a call fetches it again (`renew(after:)`). It is never printed.
final class AppBearerToken: Sendable {
    private let consumerKey: String
    private let consumerSecret: String
    private let tokenURL: String
    private let exchange: XCall
    private let userAgent: String
    private let timeout: Duration
    private let clock: @Sendable () -> Date
    private let current = Mutex<String?>(nil)

    init(consumerKey: String, consumerSecret: String, tokenURL: String, exchange: XCall, userAgent: String, timeout: Duration, clock: @escaping @Sendable () -> Date) {
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.tokenURL = tokenURL
        self.exchange = exchange
        self.userAgent = userAgent
        self.timeout = timeout
        self.clock = clock
    }

    /// The token, fetched when none is held.
    func token() async throws -> String {
        if let token = current.withLock({ $0 }) { return token }
        return try await fetch()
    }

    /// A fresh token after X refused `rejected` (invalidated, or the app's keys were regenerated).
    func renew(after rejected: String) async throws -> String {
        if let token = current.withLock({ $0 }), token != rejected { return token }
        return try await fetch()
    }

    private func fetch() async throws -> String {
        // RFC 6749 2.3.1: both parts form-encoded before the Basic encoding, as X documents it.
        let basic = Data("\(PercentEncoding.encode(consumerKey)):\(PercentEncoding.encode(consumerSecret))".utf8).base64EncodedString()
        let headers: HTTPHeaders = [
            "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8", "Accept": "application/json", "User-Agent": userAgent,
            "Authorization": "Basic \(basic)",
        ]
        let request = HTTPRequest(method: .post, url: tokenURL, headers: headers, body: Data("grant_type=client_credentials".utf8), timeout: timeout)
        let response = try await exchange.send(request, operation: .appToken)
        guard (200...299).contains(response.status) else {
            throw XErrorMapper.error(for: response, operation: .appToken, now: clock())
        }
        let answer = try XDecoding.decode(Answer.self, from: response.body, operation: .appToken)
        guard answer.tokenType.lowercased() == "bearer", !answer.accessToken.isEmpty else {
            throw XAPIError.decoding(operation: .appToken, field: "token_type", reason: "expected a bearer token, got '\(answer.tokenType)'")
        }
        current.withLock { $0 = answer.accessToken }
        return answer.accessToken
    }

    private struct Answer: Decodable {
        var tokenType: String
        var accessToken: String
        private enum CodingKeys: String, CodingKey {
            case tokenType = "token_type"
            case accessToken = "access_token"
        }
    }
}
