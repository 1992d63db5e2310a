import CurlHTTP
import Foundation
import Logging
import Synchronization

/// Sends what the DMs cause: webhook deliveries (signed, retried after X's delays, held while
/// paused) and activity stream lines (to every open connection, kept for a backfill), and runs
/// webhook CRCs. Owned by the store; everything here is safe from any task, the lock is never
/// held across an `await`, and the store's lock is never taken under this one.
final class PushHub: Sendable {
    private struct State {
        var http: HTTPClient?
        var deliveries: [WebhookDelivery] = []
        var paused = false
        var resumers: [CheckedContinuation<Void, Never>] = []
        var sessions: [Int: ActivityStreamSession] = [:]
        var nextSession = 1
        var linesSent = 0
        var keepAlivesSent = 0
        var stalledUntil: ContinuousClock.Instant?
        /// Stream lines of the last hour by the event's creation time (ms), for backfills.
        var history: [(milliseconds: Int64, line: [UInt8])] = []
        var checker: Task<Void, Never>?
        var baseURL = "http://localhost"
    }

    private let configuration: EmulatorConfiguration
    private let logger = Logger(label: "x-emulator.push")
    private let state = Mutex(State())

    init(configuration: EmulatorConfiguration) {
        self.configuration = configuration
    }

    deinit {
        state.withLock { state in
            state.checker?.cancel()
            state.http?.shutdown()
        }
    }

    /// The base of media URLs in pushed events: how clients last addressed the emulator.
    var baseURL: String { state.withLock { $0.baseURL } }

    func noteBaseURL(_ url: String) {
        state.withLock { if $0.baseURL != url { $0.baseURL = url } }
    }

    /// Forgets delivery records, stream counters and the backfill history (`POST /_emulator/reset`).
    func reset() {
        state.withLock { state in
            state.deliveries = []
            state.linesSent = 0
            state.keepAlivesSent = 0
            state.history = []
        }
    }

    // MARK: Outgoing HTTP

    /// One client for every webhook call: no redirect followed, no proxy, X's timeout.
    private func client() throws -> HTTPClient {
        try state.withLock { state in
            if let http = state.http { return http }
            var settings = HTTPClient.Configuration()
            settings.maxRedirects = 0
            settings.proxy = .none
            settings.timeout = configuration.webhookTimeout
            settings.connectTimeout = configuration.webhookTimeout
            settings.userAgent = "x-emulator-webhooks"
            let http = try HTTPClient(configuration: settings, logger: logger)
            state.http = http
            return http
        }
    }

    /// X's CRC: `GET url?crc_token=T&nonce=N`; passes on a 200 within the timeout whose JSON
    /// `response_token` is `sha256=` + base64 HMAC(T).
    func crc(url: String) async -> Bool {
        let token = RandomToken.make(bytes: 24)
        let nonce = RandomToken.make(bytes: 12)
        let target = url + (url.contains("?") ? "&" : "?") + "crc_token=\(token)&nonce=\(nonce)"
        do {
            let response = try await client().execute(HTTPRequest(url: target, timeout: configuration.webhookTimeout))
            guard response.status == 200, let body = JSONValue.parse([UInt8](response.body)),
                let answer = body["response_token"]?.stringValue
            else { return false }
            return OAuth1Signature.constantTimeEquals(answer, WebhookSignature.sign(token, secret: configuration.consumerSecret))
        } catch {
            logger.debug("CRC failed", metadata: ["url": "\(url)", "error": "\(error)"])
            return false
        }
    }

    /// POSTs a signed body; the status answered, 0 when none came in time.
    private func post(_ body: [UInt8], to url: String) async -> Int {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "x-twitter-webhooks-signature", value: WebhookSignature.sign(body, secret: configuration.consumerSecret))
        do {
            let response = try await client().execute(
                HTTPRequest(method: .post, url: url, headers: headers, body: Data(body), timeout: configuration.webhookTimeout))
            return response.status
        } catch {
            return 0
        }
    }

    // MARK: Deliveries

    /// Sends each delivery: webhook ones in tasks of their own (concurrently, even to one
    /// webhook), stream ones to every open connection at once.
    func dispatch(_ deliveries: [PushDelivery]) {
        let now = XTimestamp.milliseconds(configuration.clock.now())
        for delivery in deliveries {
            switch delivery.target {
            case .stream:
                state.withLock { state in
                    state.history.removeAll { $0.milliseconds < now - 3_600_000 }
                    state.history.append((delivery.createdAtMilliseconds, delivery.body))
                    for session in state.sessions.values { session.send(delivery.body) }
                }
            case .webhook(let id, let url):
                Task { await self.deliver(delivery, webhookID: id, url: url) }
            }
        }
    }

    /// The first attempt, then one retry after each of `webhookRetryDelays` until a 2xx; then
    /// the event is dropped (a replay brings it back).
    private func deliver(_ delivery: PushDelivery, webhookID: UInt64, url: String) async {
        let waits = [Duration.zero] + configuration.webhookRetryDelays
        for (index, wait) in waits.enumerated() {
            if wait > .zero { try? await Task.sleep(for: wait) }
            await waitUntilResumed()
            let status = await post(delivery.body, to: url)
            let record = WebhookDelivery(
                webhookID: String(webhookID), eventID: String(delivery.eventID), attempt: index + 1, status: status, replay: delivery.replay, at: Date())
            state.withLock { $0.deliveries.append(record) }
            if (200..<300).contains(status) { return }
        }
    }

    /// Every delivery attempt so far, in the order they ended.
    var deliveryRecords: [WebhookDelivery] { state.withLock { $0.deliveries } }

    /// Holds every delivery attempt (first or retry) until `resume`.
    func pause() {
        state.withLock { $0.paused = true }
    }

    /// Lets held deliveries go.
    func resume() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.paused = false
            defer { state.resumers = [] }
            return state.resumers
        }
        for continuation in waiting { continuation.resume() }
    }

    private func waitUntilResumed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed = state.withLock { state -> Bool in
                guard state.paused else { return true }
                state.resumers.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }

    // MARK: Stream

    /// A new stream connection that first gets the stream lines of events created from `from`
    /// to `to` (milliseconds; `nil` `from`: no backfill), then live ones; `nil` when the app
    /// already holds `maxStreamConnections`.
    func openStream(backfillFrom from: Int64?, to: Int64?) -> ActivityStreamSession? {
        state.withLock { state in
            guard state.sessions.count < configuration.maxStreamConnections else { return nil }
            let session = ActivityStreamSession(id: state.nextSession, hub: self, keepAlive: configuration.streamKeepAlive)
            state.nextSession += 1
            if let from {
                for entry in state.history where entry.milliseconds >= from && entry.milliseconds <= (to ?? .max) { session.send(entry.line) }
            }
            state.sessions[session.id] = session
            return session
        }
    }

    /// Frees a connection's slot (idempotent).
    func release(_ session: ActivityStreamSession) {
        _ = state.withLock { $0.sessions.removeValue(forKey: session.id) }
    }

    /// Closes every open stream connection now; how many there were.
    func dropStreams() -> Int {
        let sessions = state.withLock { Array($0.sessions.values) }
        for session in sessions { session.drop() }
        return sessions.count
    }

    /// Sends nothing on any stream, keep-alives included, for `duration`; connections stay open.
    func stall(for duration: Duration) {
        state.withLock { $0.stalledUntil = ContinuousClock.now + duration }
    }

    var isStalled: Bool {
        state.withLock { state in state.stalledUntil.map { ContinuousClock.now < $0 } ?? false }
    }

    func waitWhileStalled() async {
        while let until = state.withLock({ $0.stalledUntil }), ContinuousClock.now < until {
            try? await Task.sleep(until: until, clock: .continuous)
        }
    }

    func count(keepAlive: Bool) {
        state.withLock { state in
            if keepAlive { state.keepAlivesSent += 1 } else { state.linesSent += 1 }
        }
    }

    var connections: StreamConnections {
        state.withLock { StreamConnections(open: $0.sessions.count, linesSent: $0.linesSent, keepAlivesSent: $0.keepAlivesSent) }
    }

    // MARK: Periodic CRC

    /// Starts, once, the task that runs each webhook's CRC every `crcInterval` of the emulator's
    /// clock. It looks every second of real time (less when the interval is shorter), so a test
    /// that moves a manual clock sees the check within a second; it ends with the store.
    func startPeriodicChecks(of store: EmulatorStore) {
        state.withLock { state in
            guard state.checker == nil else { return }
            let interval = configuration.crcInterval
            let look = min(Duration.seconds(1), interval)
            state.checker = Task { [weak store] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: look)
                    guard let store else { return }
                    await store.checkWebhooks(force: false)
                }
            }
        }
    }
}
