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
        let push = try await session.pushClient()
        step("GET /2/activity/stream with the app-only bearer token: waiting up to \(DurationText.format(wait)) for a keep-alive or an event")
        let started = ContinuousClock.now
        let wait = self.wait
        let outcome: StreamOutcome
        do {
            outcome = try await withThrowingTaskGroup(of: StreamOutcome.self) { group in
                group.addTask {
                    // The first line ends the iteration, which closes the stream.
                    for try await line in push.activityStream(stallTimeout: wait + .seconds(1), maxDuration: wait + .seconds(5)) {
                        return .received(line)
                    }
                    return .closed
                }
                group.addTask {
                    try await Task.sleep(for: wait)
                    return .silent
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .silent
            }
        } catch let error as XAPIError {
            throw AdminError.failed(
                "X refused the activity stream: \(error)"
                    + (error.httpStatus == 429 ? "; another connection holds the stream (X allows one per app)" : "")
                    + (error.httpStatus == 401 || error.httpStatus == 403 ? "; check api.consumerKey and api.consumerSecret, the app's API key and secret" : ""))
        }
        let elapsed = ContinuousClock.now - started
        switch outcome {
        case .received(let line):
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let what = text.isEmpty ? "a keep-alive" : "an event: " + String(text.prefix(200))
            step("HTTP 200, then \(what) after \(DurationText.format(elapsed)); stream closed")
        case .closed:
            throw AdminError.failed("X answered the activity stream with 200 and closed it at once, without a keep-alive")
        case .silent:
            throw AdminError.failed(
                "X's activity stream sent nothing in \(DurationText.format(wait)): no keep-alive arrived (a proxy buffering the stream?)")
        }
    }

    private enum StreamOutcome: Sendable {
        case received(Data)
        /// The 2xx body ended without a byte.
        case closed
        /// Nothing within the wait.
        case silent
    }
}
