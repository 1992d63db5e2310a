/// Body of `POST /1.1/direct_messages/events/new.json`, encoded by `JSONEncoder` (the original
/// built it by string concatenation, and a quote or newline in a reply broke it).
struct V1NewEventRequest: Encodable, Sendable {
    struct Event: Encodable, Sendable {
        struct MessageCreate: Encodable, Sendable {
            struct Target: Encodable, Sendable {
                var recipientId: String
                private enum CodingKeys: String, CodingKey { case recipientId = "recipient_id" }
            }

            struct MessageData: Encodable, Sendable {
                struct Attachment: Encodable, Sendable {
                    struct Media: Encodable, Sendable { var id: String }
                    var type = "media"
                    var media: Media
                }
                var text: String
                /// One uploaded media item (v1.1 takes one per message).
                var attachment: Attachment?
            }

            var target: Target
            var messageData: MessageData
            private enum CodingKeys: String, CodingKey {
                case target
                case messageData = "message_data"
            }
        }

        var type = "message_create"
        var messageCreate: MessageCreate
        private enum CodingKeys: String, CodingKey {
            case type
            case messageCreate = "message_create"
        }
    }

    var event: Event

    init(recipientId: String, text: String, mediaId: String? = nil) {
        event = Event(
            messageCreate: .init(
                target: .init(recipientId: recipientId),
                messageData: .init(text: text, attachment: mediaId.map { .init(media: .init(id: $0)) })))
    }
}
