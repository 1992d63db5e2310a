/// A failure the emulator injects into the next `count` API requests that match `endpoint`.
///
/// `endpoint` takes one of three forms (absent: every API request; the control API never fails):
/// - a route, method and pattern as `/_emulator/stats` names them: `GET /2/dm_events`,
///   `POST /2/dm_conversations/with/:participant_id/messages`;
/// - a path prefix, starting with `/`: `/2/dm_conversations` (any method);
/// - an endpoint family: `dm-read`, `dm-send`, `v1-events-list`, ... (`EndpointFamily`).
public struct EmulatorFault: Sendable, Equatable, Codable {
    /// How the matching requests fail.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Answer `status` with X's body for it (a 429 with its rate-limit headers).
        case status
        /// Wait `delayMs`, then answer normally.
        case delay
        /// Close the connection without answering.
        case drop
        /// Answer 200 with a truncated, invalid JSON body.
        case malformed
        /// Serve the request (a DM sent is stored), then wait `delayMs` before answering: past the
        /// client's timeout, the caller cannot know that X did what it asked.
        case lateAnswer
        /// Serve the request (a DM sent is stored), then close the connection without answering:
        /// the answer is lost on the way back, the caller sees a dropped connection.
        case lostAnswer
    }

    /// Which requests it applies to (see the type's description); `nil` for every API request.
    public var endpoint: String?
    /// How they fail.
    public var kind: Kind
    /// The status a `status` fault answers (400 to 599).
    public var status: Int?
    /// How long a `delay` fault waits, in milliseconds (0 to 600,000).
    public var delayMs: Int?
    /// How many matching requests still fail this way.
    public var count: Int

    /// A fault for the next `count` requests matching `endpoint`; `EmulatorStore.addFault` checks it.
    public init(endpoint: String? = nil, kind: Kind, status: Int? = nil, delayMs: Int? = nil, count: Int = 1) {
        self.endpoint = endpoint
        self.kind = kind
        self.status = status
        self.delayMs = delayMs
        self.count = count
    }

    /// Why this fault cannot be applied, or `nil` when it can.
    var problem: String? {
        if count < 1 { return "count must be at least 1" }
        switch kind {
        case .status:
            guard let status, (400...599).contains(status) else { return "kind status needs a status from 400 to 599" }
        case .delay, .lateAnswer:
            guard let delayMs, (0...600_000).contains(delayMs) else { return "kind \(kind.rawValue) needs delayMs from 0 to 600000" }
        case .drop, .malformed, .lostAnswer:
            break
        }
        return nil
    }

    func matches(pattern: String, path: String, family: EndpointFamily?) -> Bool {
        guard let endpoint, !endpoint.isEmpty else { return true }
        if endpoint.hasPrefix("/") { return path.hasPrefix(endpoint) }
        if let family, family.rawValue == endpoint { return true }
        return endpoint == pattern
    }
}
