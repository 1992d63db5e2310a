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
}
