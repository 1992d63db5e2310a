import CurlHTTP
import KiamoTwitter
import Synchronization
import XAPI

/// A transport that records the request it is handed and sends nothing.
final class RecordingTransport: XHTTPTransport {
    struct NotSent: Error {}
    private let recorded = Mutex<HTTPRequest?>(nil)

    var request: HTTPRequest? { recorded.withLock { $0 } }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        recorded.withLock { $0 = request }
        throw NotSent()
    }
}
