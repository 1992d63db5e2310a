import Crypto
import CurlHTTP
import Foundation
import Synchronization
import TestSupport

/// A webhook on the loopback for the push tests: answers X's CRC with an HMAC keyed by
/// `crcSecret` (the app's secret, or a wrong one), and records each delivery, answering the
/// statuses of `script` in turn (then 200).
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let body: Data
        let signature: String?
        let contentType: String?

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    private struct State {
        var crcSecret: String
        var script: [Int] = []
        var deliveries: [Delivery] = []
        var crcs = 0
    }

    /// The state the server's threads and the test share.
    private final class Recorder: Sendable {
        let state: Mutex<State>
        init(_ state: State) { self.state = Mutex(state) }
    }

    private let recorder: Recorder
    private let server: LoopbackHTTPServer

    init(crcSecret: String = TestEmulator.Credentials.consumerSecret) throws {
        let recorder = Recorder(State(crcSecret: crcSecret))
        self.recorder = recorder
        server = try LoopbackHTTPServer { request in
            if request.method == "GET" {
                let token =
                    (request.query ?? "").split(separator: "&").first { $0.hasPrefix("crc_token=") }.map { String($0.dropFirst(10)) } ?? ""
                let secret = recorder.state.withLock { state in
                    state.crcs += 1
                    return state.crcSecret
                }
                let answer = #"{"response_token":"\#(Self.sign(Data((token.removingPercentEncoding ?? token).utf8), secret: secret))"}"#
                return .respond(.init(status: 200, headers: ["Content-Type": "application/json"], body: Data(answer.utf8)))
            }
            let status = recorder.state.withLock { state -> Int in
                state.deliveries.append(
                    Delivery(
                        body: request.body, signature: request.headers["x-twitter-webhooks-signature"], contentType: request.headers["content-type"]))
                return state.script.isEmpty ? 200 : state.script.removeFirst()
            }
            return .respond(.init(status: status))
        }
    }

    deinit { server.stop() }

    /// `http://127.0.0.1:PORT/webhook`.
    var url: String { server.url("/webhook") }

    var deliveries: [Delivery] { recorder.state.withLock { $0.deliveries } }
    var crcCount: Int { recorder.state.withLock { $0.crcs } }

    /// From now on the CRC is answered with an HMAC keyed by `secret`.
    func answerCRC(with secret: String) {
        recorder.state.withLock { $0.crcSecret = secret }
    }

    /// The statuses the next deliveries are answered with, in turn.
    func script(_ statuses: [Int]) {
        recorder.state.withLock { $0.script = statuses }
    }

    /// `sha256=` + base64 HMAC-SHA256, written here apart from the emulator's code.
    static func sign(_ data: Data, secret: String) -> String {
        "sha256=" + Data(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: Data(secret.utf8)))).base64EncodedString()
    }
}
