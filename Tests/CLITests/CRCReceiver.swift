import Foundation
import Synchronization
import TestSupport
import XAPI

/// A webhook on the loopback for the push commands: answers X's CRC with the app's consumer
/// secret (through `XAPI`'s `WebhookSignature`, the worker's own), counts the checks and
/// acknowledges deliveries.
final class CRCReceiver: Sendable {
    /// The count the server's threads and the test share.
    private final class Counter: Sendable {
        let value = Mutex(0)
    }

    private let checks = Counter()
    private let server: LoopbackHTTPServer

    init(consumerSecret: String = TestAccount().consumerSecret) throws {
        let checks = self.checks
        let signature = WebhookSignature(consumerSecret: consumerSecret)
        server = try LoopbackHTTPServer { request in
            guard request.method == "GET" else { return .respond(.init(status: 200)) }
            let token = (request.query ?? "").split(separator: "&").first { $0.hasPrefix("crc_token=") }.map { String($0.dropFirst(10)) } ?? ""
            checks.value.withLock { $0 += 1 }
            let answer = #"{"response_token":"\#(signature.responseToken(crcToken: token.removingPercentEncoding ?? token))"}"#
            return .respond(.init(status: 200, headers: ["Content-Type": "application/json"], body: Data(answer.utf8)))
        }
    }

    deinit { server.stop() }

    /// `http://127.0.0.1:PORT/webhooks/x`.
    var url: String { server.url("/webhooks/x") }

    /// The CRC checks answered so far.
    var crcCount: Int { checks.value.withLock { $0 } }
}
