import CurlHTTP
import Synchronization
import XAPI

/// CurlHTTP's client with a tally of what X answered, so a probe can report how many 401s sent
/// it through `token(afterRejecting:)` and how many refreshes it made itself (accepted or not)
/// without reaching into XAPI.
final class CountingTransport: XHTTPTransport {
    /// Answers seen so far.
    struct Tally: Sendable {
        /// `POST /2/oauth2/token` answered 200: refreshes this process made.
        var refreshes = 0
        /// `POST /2/oauth2/token` answered anything else: refresh tokens X refused.
        var refreshRefusals = 0
        /// Any other call answered 401: an access token X no longer accepted.
        var unauthorized = 0
    }

    private let http: HTTPClient
    private let tokenURL: String
    private let tally = Mutex(Tally())

    init(http: HTTPClient, tokenURL: String) {
        self.http = http
        self.tokenURL = tokenURL
    }

    var counts: Tally { tally.withLock { $0 } }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let response = try await http.execute(request)
        let isRefresh = request.url == tokenURL
        tally.withLock { tally in
            switch (isRefresh, response.status) {
            case (true, 200): tally.refreshes += 1
            case (true, _): tally.refreshRefusals += 1
            case (false, 401): tally.unauthorized += 1
            default: break
            }
        }
        return response
    }
}
