import Foundation

/// Which pushes a DM event causes, and their bodies: rendered under the store's lock, where the
/// users, media and subscriptions are, then sent by `PushHub` outside it.
extension EmulatorState {
    /// Keeps a new message for the push side when some subscription exists.
    mutating func notePushed(_ event: DMEvent) {
        if push.isListening, event.kind == .messageCreate { push.pending.append(event) }
    }

    /// The pushes of the events created since the last call; media URLs start with `baseURL`.
    mutating func takePushDeliveries(baseURL: String) -> [PushDelivery] {
        let events = push.pending
        push.pending = []
        return events.flatMap { pushDeliveries(of: $0, baseURL: baseURL, replayTo: nil) }
    }

    /// The pushes of `event`: to valid webhooks and the stream when live; to webhook `replayTo`
    /// only, valid or not, when replayed.
    func pushDeliveries(of event: DMEvent, baseURL: String, replayTo: UInt64?) -> [PushDelivery] {
        guard event.kind == .messageCreate else { return [] }
        let audience: Set<UInt64> =
            event.recipientID.map { [event.senderID, $0] } ?? events.conversations[event.conversationID]?.participants ?? [event.senderID]
        var deliveries: [PushDelivery] = []
        func add(_ target: PushDelivery.Target, _ body: [UInt8]) {
            deliveries.append(
                PushDelivery(target: target, eventID: event.id, createdAtMilliseconds: event.createdAtMilliseconds, body: body, replay: replayTo != nil))
        }
        for webhook in push.webhooks where replayTo.map({ $0 == webhook.id }) ?? webhook.valid {
            // Account Activity speaks v1.1, which has no group DMs: one-to-one messages only.
            guard event.isOneToOne else { break }
            for user in push.accountActivity[webhook.id] ?? [] where audience.contains(user) {
                add(.webhook(id: webhook.id, url: webhook.url), accountActivityBody(event, forUser: user, baseURL: baseURL))
            }
        }
        for subscription in push.activity where subscription.matches(event, audience: audience) {
            if let id = subscription.webhookID {
                guard let webhook = push.webhook(id), replayTo.map({ $0 == id }) ?? webhook.valid else { continue }
                add(.webhook(id: id, url: webhook.url), activityEnvelope(event, subscription: subscription))
            } else if replayTo == nil {
                add(.stream, activityEnvelope(event, subscription: subscription))
            }
        }
        return deliveries
    }

    /// The DM events a replay to `webhookID` re-delivers: those of its subscribed users created
    /// from `from` to `to` (milliseconds, inclusive), oldest first.
    func replayedEvents(webhookID: UInt64, from: Int64, to: Int64) -> [DMEvent] {
        var users = Set(push.accountActivity[webhookID] ?? [])
        for subscription in push.activity where subscription.webhookID == webhookID { users.insert(subscription.userID) }
        var found: [UInt64: DMEvent] = [:]
        for user in users {
            for event in events.timeline(of: user)?.events ?? [] where (from...to).contains(event.createdAtMilliseconds) {
                found[event.id] = event
            }
        }
        return found.values.sorted { $0.id < $1.id }
    }

    /// The Account Activity body: `{"for_user_id","direct_message_events":[v1.1 event],"users":{id: user}}`.
    /// X documents this payload outside the schema; the event is the one `GET
    /// /1.1/direct_messages/events/list.json` renders, the users X's short form of both participants.
    func accountActivityBody(_ event: DMEvent, forUser user: UInt64, baseURL: String) -> [UInt8] {
        let rendered = V1DirectMessages.event(
            json: event, users: V1DirectMessages.mentionedUsers([event], state: self), media: V1DirectMessages.attachedMedia([event], state: self),
            baseURL: baseURL)
        var users: [(String, JSONValue)] = []
        for id in [event.senderID, event.recipientID ?? 0] where id != 0 {
            guard let known = directory.user(id) else { continue }
            users.append(
                (
                    known.id,
                    .object([
                        ("id", .string(known.id)), ("id_str", .string(known.id)), ("name", .string(known.name)),
                        ("screen_name", .string(known.username)), ("profile_image_url_https", .string(known.profileImageURL)),
                    ])
                ))
        }
        return JSONValue.object([
            ("for_user_id", .string(String(user))), ("direct_message_events", .array([rendered])), ("users", .object(users)),
        ]).encoded
    }

    /// The X Activity envelope, our reading of docs.x.com/x-api/activity/event-payloads (the
    /// schema leaves a DM payload open): `{"data":{"event_type","event_uuid","filter","tag"?,
    /// "payload": the v2 event with every dm_event.field, "includes":{"users":[...]}}}`.
    /// `event_uuid` is a UUID as the wire contract says, though the schema's `ActivityEventId`
    /// is digits.
    func activityEnvelope(_ event: DMEvent, subscription: ActivitySubscription) -> [UInt8] {
        var writer = JSONWriter(capacity: 512 + event.text.utf8.count)
        writer.raw("{\"data\":{")
        writer.field("event_type", subscription.eventType)
        writer.raw(",")
        writer.field("event_uuid", UUID().uuidString.lowercased())
        writer.raw(",\"filter\":")
        subscription.filterJSON.write(to: &writer)
        if let tag = subscription.tag {
            writer.raw(",")
            writer.field("tag", tag)
        }
        writer.raw(",\"payload\":")
        event.writeV2(fields: DMEventField.allCases, to: &writer)
        writer.raw(",\"includes\":{\"users\":[")
        var ids = [event.senderID]
        if let recipient = event.recipientID { ids.append(recipient) }
        if !ids.contains(subscription.userID) { ids.append(subscription.userID) }
        var first = true
        for id in ids {
            guard let user = directory.user(id) else { continue }
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            V2Encoder.user(user, fields: [], to: &writer)
        }
        writer.raw("]}}}")
        return writer.bytes
    }
}
