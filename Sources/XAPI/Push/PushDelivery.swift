import Foundation

/// The DMs of one push from X, in the common shape the poll reads (`DMEventPage`), whichever of
/// X's two push APIs sent it.
///
/// - Account Activity API (webhooks only): `{"for_user_id": "...", "direct_message_events":
///   [<v1.1 DM events>], "users": {"<id>": <v1.1 user>}}`. Other activities arrive under other
///   keys of the same object (`tweet_create_events`, `favorite_events`, ...).
/// - X Activity API (webhooks and `GET /2/activity/stream`): `{"data": {"event_type":
///   "dm.received", "event_uuid": "...", "filter": {"user_id": "..."}, "tag": "...", "payload":
///   <v2 DM event>, "includes": {"users": [...]}}}`.
///
/// The schema (`openapi-realtime.json`, v2.167) types neither body: the Account Activity shape is
/// X's documentation of the Account Activity API ("Account Activity data objects"), and the X
/// Activity envelope is our reading of docs.x.com/x-api/activity/event-payloads, whose DM payload
/// we take to be the v2 `DmEvent` of `GET /2/dm_events`.
public struct PushDelivery: Sendable {
    public enum API: String, Sendable {
        case accountActivity = "account_activity"
        case activity
    }

    public var api: API
    /// The subscribed account the events are for (`for_user_id`; `filter.user_id`).
    public var forUserId: String?
    /// The DM events, with the users and media they refer to; `nextToken` and `rateLimit` nil.
    public var page: DMEventPage
    /// The kinds of activity in the push that are not DMs (`tweet_create_events`, `follow.follow`,
    /// ...): acknowledged and skipped, since an account subscribed to everything gets them too.
    public var otherKinds: [String]
    /// X's id of this delivery (X Activity API `event_uuid`).
    public var eventUUID: String?

    public init(api: API, forUserId: String?, page: DMEventPage, otherKinds: [String] = [], eventUUID: String? = nil) {
        self.api = api
        self.forUserId = forUserId
        self.page = page
        self.otherKinds = otherKinds
        self.eventUUID = eventUUID
    }

    /// Reads one push body (a webhook delivery, or one line of the activity stream).
    ///
    /// Throws `XAPIError.decoding` naming the field when the body is not JSON or not either shape.
    public static func decode(_ data: Data) throws -> PushDelivery {
        let probe = try XDecoding.decode(Probe.self, from: data, operation: .receivePush)
        if probe.data != nil {
            return try XDecoding.decode(ActivityEnvelope.self, from: data, operation: .receivePush).delivery
        }
        if probe.forUserId != nil {
            return try XDecoding.decode(AccountActivityPayload.self, from: data, operation: .receivePush).delivery
        }
        throw XAPIError.decoding(operation: .receivePush, field: "<body>", reason: "neither an Account Activity payload (for_user_id) nor an X Activity event (data)")
    }

    /// The two fields that tell the shapes apart.
    private struct Probe: Decodable {
        var forUserId: WireSnowflake?
        var data: Ignored?
        private enum CodingKeys: String, CodingKey {
            case data
            case forUserId = "for_user_id"
        }
    }

    private struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

/// An Account Activity API delivery.
struct AccountActivityPayload: Decodable {
    var forUserId: WireSnowflake
    var directMessageEvents: [LossyElement<V1Event>]
    var users: [String: User]
    /// Every other activity key of the delivery.
    var otherKinds: [String]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A user of `users`, keyed by id. X's examples give `id` as a string here, unlike v1.1's
    /// number: only `id_str` and the key are read.
    struct User: Decodable {
        var idStr: String?
        var name: String?
        var screenName: String?
        private enum CodingKeys: String, CodingKey {
            case name
            case idStr = "id_str"
            case screenName = "screen_name"
        }
    }

    /// Keys that describe the delivery rather than carry an activity.
    private static let envelopeKeys: Set<String> = ["for_user_id", "users", "direct_message_events", "apps", "user_has_blocked"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        forUserId = try container.decode(WireSnowflake.self, forKey: Key(stringValue: "for_user_id"))
        directMessageEvents = try container.decodeIfPresent([LossyElement<V1Event>].self, forKey: Key(stringValue: "direct_message_events")) ?? []
        users = try container.decodeIfPresent([String: User].self, forKey: Key(stringValue: "users")) ?? [:]
        otherKinds = container.allKeys.map(\.stringValue).filter { !Self.envelopeKeys.contains($0) }.sorted()
    }

    var delivery: PushDelivery {
        let (events, undecodable) = LossyElement.split(directMessageEvents)
        return PushDelivery(
            api: .accountActivity, forUserId: forUserId.value,
            page: DMEventPage(
                events: events.compactMap(\.event), users: users.map { XUser(id: $0.value.idStr ?? $0.key, name: $0.value.name ?? "", username: $0.value.screenName ?? "") },
                media: events.compactMap(\.media), nextToken: nil,
                rateLimit: nil, undecodable: undecodable),
            otherKinds: otherKinds)
    }
}

/// An X Activity API event: one per webhook delivery or stream line.
struct ActivityEnvelope: Decodable {
    struct Event: Decodable {
        struct Filter: Decodable {
            var userId: WireSnowflake?
            private enum CodingKeys: String, CodingKey { case userId = "user_id" }
        }

        var eventType: String
        var eventUUID: String?
        var filter: Filter?
        var payload: LossyElement<V2DMEvent>?
        var includes: V2Includes?

        private enum CodingKeys: String, CodingKey {
            case filter, payload, includes
            case eventType = "event_type"
            case eventUUID = "event_uuid"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            eventType = try container.decode(String.self, forKey: .eventType)
            eventUUID = try container.decodeIfPresent(String.self, forKey: .eventUUID)
            filter = try container.decodeIfPresent(Filter.self, forKey: .filter)
            // Only DM events' payloads are read; another kind's payload has another shape.
            if ActivityEnvelope.dmEventTypes.contains(eventType) {
                payload = try container.decodeIfPresent(LossyElement<V2DMEvent>.self, forKey: .payload)
                includes = try container.decodeIfPresent(V2Includes.self, forKey: .includes)
            }
        }
    }

    /// The event types that carry a DM.
    static let dmEventTypes: Set<String> = ["dm.received", "dm.sent"]

    var data: Event

    var delivery: PushDelivery {
        let (events, undecodable) = LossyElement.split(data.payload.map { [$0] } ?? [])
        let isDM = Self.dmEventTypes.contains(data.eventType)
        return PushDelivery(
            api: .activity, forUserId: data.filter?.userId?.value,
            page: DMEventPage(
                events: events.map(\.event), users: data.includes?.users?.map(\.user) ?? [], media: data.includes?.media?.compactMap(\.media) ?? [],
                nextToken: nil, rateLimit: nil, undecodable: undecodable),
            otherKinds: isDM ? [] : [data.eventType], eventUUID: data.eventUUID)
    }
}
