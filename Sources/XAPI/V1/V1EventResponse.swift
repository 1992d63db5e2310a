/// `POST /1.1/direct_messages/events/new.json` answer: the created event.
struct V1EventResponse: Decodable, Sendable {
    var event: V1Event
}
