import CurlHTTP
import Foundation

/// The X emulator's control API over HTTP (`/_emulator/...`), typed: for `kiamo-twitter e2e`
/// against the emulator, and for tests of an emulator running as its own OS process or anywhere
/// else they cannot reach its store directly.
public struct EmulatorControlClient: Sendable {
    /// Why a control call failed: the status and body the emulator answered.
    public struct Failure: Error, CustomStringConvertible {
        /// Method and control path.
        public let request: String
        /// The status answered.
        public let status: Int
        /// The body answered (the control API's `{"error": ...}`).
        public let body: String
        /// One line for the test log.
        public var description: String { "\(request) answered \(status): \(body)" }
    }

    /// What `GET /_emulator/health` answers.
    public struct Health: Sendable, Decodable {
        /// The account the emulator serves (the first, when it serves several).
        public struct Account: Sendable, Decodable {
            public var id: String
            public var username: String
            public var name: String
        }

        public var status: String
        public var account: Account
    }

    /// The emulator's `http://host:port` (and path prefix), without a trailing slash.
    public let baseURL: String
    private let http: HTTPClient

    /// `baseURL` is `http://host:port` of the emulator (the configuration's `api.baseUrl`);
    /// `http` is shared with the caller.
    public init(baseURL: String, http: HTTPClient) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.http = http
    }

    /// Whether the emulator answers its health check.
    public func isHealthy() async -> Bool {
        (try? await call("GET", "/health").status) == 200
    }

    /// The health check's answer; a decoding error when `baseURL` is not an x-emulator.
    public func health() async throws -> Health {
        try await decode(Health.self, try await call("GET", "/health"))
    }

    @discardableResult
    /// Adds a user; throws `Failure` when the emulator refuses it.
    public func addUser(id: String? = nil, name: String, username: String) async throws -> EmulatorUser {
        var body: [String: String] = ["name": name, "username": username]
        body["id"] = id
        return try await decode(EmulatorUser.self, try await call("POST", "/users", json: body, expect: 201))
    }

    /// Posts a DM (a customer's photo with `attachments`, see `DMAttachment`); returns the event id.
    @discardableResult
    public func postDM(from: String, to: String? = nil, text: String, attachments: [DMAttachment] = [], createdAt: Date? = nil) async throws -> String {
        let body = DMBody(
            from: from, to: to, text: text, attachments: attachments.isEmpty ? nil : attachments,
            createdAt: createdAt.map { $0.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) })
        let answer = try await call("POST", "/dms", json: body, expect: 201)
        return try JSONDecoder().decode([String: String].self, from: answer.body)["id"] ?? ""
    }

    @discardableResult
    /// `count` DMs from `senders` generated customers to `to` (default: the account).
    public func bulk(count: Int, senders: Int, to: String? = nil) async throws -> BulkResult {
        var body: [String: AnyCodable] = ["count": .int(count), "senders": .int(senders)]
        if let to { body["to"] = .string(to) }
        return try await decode(BulkResult.self, try await call("POST", "/dms/bulk", json: body, expect: 201))
    }

    /// DMs `account` (default: the account) sent through the API, oldest first.
    public func sent(account: String? = nil) async throws -> [SentDirectMessage] {
        let query = account.map { "?account=\($0)" } ?? ""
        return try await decode([String: [SentDirectMessage]].self, try await call("GET", "/sent" + query))["sent"] ?? []
    }

    /// The bytes of the media with id `mediaID` (an upload through the API, or a customer's), or
    /// nil when the emulator holds none.
    public func mediaBytes(mediaID: String) async throws -> Data? {
        let response = try await http.execute(HTTPRequest(url: baseURL + "/_emulator/media?id=\(mediaID)"))
        if response.status == 404 { return nil }
        guard response.status == 200 else {
            throw Failure(request: "GET /_emulator/media", status: response.status, body: response.bodyText)
        }
        return response.body
    }

    /// Request counts since start or the last reset.
    public func stats() async throws -> EmulatorStats {
        try await decode(EmulatorStats.self, try await call("GET", "/stats"))
    }

    /// Queues a fault; throws `Failure` when the emulator refuses it.
    public func fault(_ fault: EmulatorFault) async throws {
        try await call("POST", "/faults", json: fault, expect: 201)
    }

    /// Drops every pending fault: X answers normally from now on.
    public func clearFaults() async throws {
        try await call("DELETE", "/faults")
    }

    /// Clears DMs, sent, stats, faults, nonces and rate-limit windows (see `ResetOptions`).
    public func reset(_ options: ResetOptions = ResetOptions()) async throws {
        try await call("POST", "/reset", json: options)
    }

    /// Makes every access token issued so far expire now.
    public func expireAccessTokens() async throws {
        try await call("POST", "/tokens/expire")
    }

    // MARK: Push

    /// Every webhook delivery attempt so far, in the order they ended.
    public func webhookDeliveries() async throws -> [WebhookDelivery] {
        try await decode([String: [WebhookDelivery]].self, try await call("GET", "/webhooks/deliveries"))["deliveries"] ?? []
    }

    /// Runs the periodic CRC on every webhook now (a receiver answering wrong marks its webhook
    /// invalid) and returns once every check ended.
    public func runWebhookCRC() async throws {
        try await call("POST", "/webhooks/crc")
    }

    /// Holds every webhook delivery attempt until `resumeWebhookDeliveries`.
    public func pauseWebhookDeliveries() async throws {
        try await call("POST", "/webhooks/pause")
    }

    /// Lets the held webhook deliveries go.
    public func resumeWebhookDeliveries() async throws {
        try await call("POST", "/webhooks/resume")
    }

    /// The activity stream's open connections and what they were sent.
    public func streamConnections() async throws -> StreamConnections {
        try await decode(StreamConnections.self, try await call("GET", "/stream/connections"))
    }

    /// Closes every open activity stream connection now; returns how many there were.
    @discardableResult
    public func dropStreamConnections() async throws -> Int {
        let answer = try await call("POST", "/stream/drop")
        return try JSONDecoder().decode([String: Int].self, from: answer.body)["dropped"] ?? 0
    }

    /// Makes the activity streams send nothing, keep-alives included, for `milliseconds`.
    public func stallStream(milliseconds: Int) async throws {
        try await call("POST", "/stream/stall", json: ["ms": milliseconds])
    }

    // MARK: Plumbing

    /// The body of `POST /_emulator/dms`.
    private struct DMBody: Encodable {
        var from: String
        var to: String?
        var text: String
        var attachments: [DMAttachment]?
        var createdAt: String?
    }

    private enum AnyCodable: Encodable {
        case int(Int)
        case string(String)
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .int(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            }
        }
    }

    @discardableResult
    private func call(_ method: String, _ path: String, json: (some Encodable)? = String?.none, expect: Int = 200) async throws -> HTTPResponse {
        var headers: HTTPHeaders = [:]
        var body: Data?
        if let json {
            body = try JSONEncoder().encode(json)
            headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await http.execute(HTTPRequest(method: HTTPMethod(rawValue: method), url: baseURL + "/_emulator" + path, headers: headers, body: body))
        guard response.status == expect else {
            throw Failure(request: "\(method) /_emulator\(path)", status: response.status, body: response.bodyText)
        }
        return response
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPResponse) async throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
        }
        return try decoder.decode(type, from: response.body)
    }
}
