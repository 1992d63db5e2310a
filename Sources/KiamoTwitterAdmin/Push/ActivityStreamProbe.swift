import CurlHTTP
import Foundation
import KiamoTwitter
import XAPI

/// Numbered test 11: opens X's activity stream (`GET /2/activity/stream`) with the app-only bearer
/// token and passes when X answers 200 and sends something (a keep-alive or an event) within
/// `wait`; the stream is then closed. Needs no public URL: the connection goes out from here.
public struct ActivityStreamProbe: Sendable {
    let session: AdminSession
    let wait: Duration

    /// The probe, through `session`; `wait` bounds the wait for the first bytes (X sends a
    /// keep-alive about every 20 s on an idle stream).
    public init(session: AdminSession, wait: Duration) {
        self.session = session
        self.wait = wait
    }

    /// Hands each thing done to `step` as it goes, so a failure still shows what came before;
    /// throws when the stream was refused or stayed silent.
    public func run(step: (String) -> Void) async throws {
        let configuration = session.configuration
        let keys = try session.appKeys()
        let http = try await session.httpClient()
        let base = configuration.api.baseURL.hasSuffix("/") ? String(configuration.api.baseURL.dropLast()) : configuration.api.baseURL
        step("POST /oauth2/token (client credentials): the app-only bearer token")
        let token = try await appToken(http: http, url: base + "/oauth2/token", key: keys.key.reveal(), secret: keys.secret.reveal())
        step("GET /2/activity/stream: waiting up to \(DurationText.format(wait)) for a keep-alive or an event")
        let started = ContinuousClock.now
        let (pieces, feed) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .bufferingNewest(8))
        let request = HTTPRequest(
            url: base + "/2/activity/stream", headers: ["Authorization": "Bearer \(token)", "Accept": "application/json"],
            timeout: wait + .seconds(5), connectTimeout: configuration.api.connectTimeout, receiveBody: { feed.yield($0) })
        let wait = self.wait
        let outcome = try await withThrowingTaskGroup(of: StreamOutcome.self) { group in
            group.addTask {
                let response = try await http.execute(request)
                feed.finish()
                return .ended(response)
            }
            group.addTask {
                for await piece in pieces where !piece.isEmpty { return .received(piece) }
                return .closed
            }
            group.addTask {
                try await Task.sleep(for: wait)
                return .silent
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                // A 2xx transfer that ended is judged by the bytes it delivered (`received` or
                // `closed` follows it).
                if case .ended(let response) = outcome, (200...299).contains(response.status) { continue }
                return outcome
            }
            return .silent
        }
        let elapsed = ContinuousClock.now - started
        switch outcome {
        case .received(let piece):
            let text = String(decoding: piece, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let what = text.isEmpty ? "a keep-alive" : "an event: " + String(text.prefix(200))
            step("HTTP 200, then \(what) after \(DurationText.format(elapsed)); stream closed")
        case .ended(let response):
            let body = response.bodyText.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)
            throw AdminError.failed(
                "X refused the activity stream (HTTP \(response.status)): \(body.isEmpty ? "no details" : String(body))"
                    + (response.status == 429 ? "; another connection holds the stream (X allows one per app)" : ""))
        case .closed:
            throw AdminError.failed("X answered the activity stream with 200 and closed it at once, without a keep-alive")
        case .silent:
            throw AdminError.failed(
                "X's activity stream sent nothing in \(DurationText.format(wait)): no keep-alive arrived (a proxy buffering the stream?)")
        }
    }

    private enum StreamOutcome: Sendable {
        case received(Data)
        case ended(HTTPResponse)
        /// The 2xx body ended without a byte.
        case closed
        /// Nothing within the wait.
        case silent
    }

    /// The app-only bearer token (OAuth 2.0 client credentials; RFC 6749 2.3.1: both parts
    /// form-encoded before the Basic encoding, as X documents it). Never printed.
    private func appToken(http: HTTPClient, url: String, key: String, secret: String) async throws -> String {
        let basic = Data("\(PercentEncoding.encode(key)):\(PercentEncoding.encode(secret))".utf8).base64EncodedString()
        let request = HTTPRequest(
            method: .post, url: url,
            headers: ["Content-Type": "application/x-www-form-urlencoded;charset=UTF-8", "Accept": "application/json", "Authorization": "Basic \(basic)"],
            body: Data("grant_type=client_credentials".utf8), timeout: session.configuration.api.timeout)
        let response = try await http.execute(request)
        struct Answer: Decodable { var access_token: String }
        guard (200...299).contains(response.status), let answer = try? JSONDecoder().decode(Answer.self, from: response.body), !answer.access_token.isEmpty else {
            throw AdminError.failed(
                "X refused the app-only token (HTTP \(response.status)): check api.consumerKey and api.consumerSecret, the app's API key and secret")
        }
        return answer.access_token
    }
}
