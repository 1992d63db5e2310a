/// A v1.1 DM event: `{type, id, created_timestamp, message_create: {sender_id, target:
/// {recipient_id}, message_data: {text, attachment}}}`.
struct V1Event: Decodable, Sendable {
    struct MessageCreate: Decodable, Sendable {
        struct Target: Decodable, Sendable {
            var recipientId: WireSnowflake
            private enum CodingKeys: String, CodingKey { case recipientId = "recipient_id" }
        }

        struct MessageData: Decodable, Sendable {
            struct Attachment: Decodable, Sendable {
                struct Media: Decodable, Sendable {
                    struct VideoInfo: Decodable, Sendable {
                        struct Variant: Decodable, Sendable {
                            var url: String?
                            var contentType: String?
                            var bitrate: Int?
                            private enum CodingKeys: String, CodingKey {
                                case url, bitrate
                                case contentType = "content_type"
                            }
                        }
                        var variants: [LossyElement<Variant>]?
                    }
                    var idStr: String?
                    var type: String?
                    var mediaURLHTTPS: String?
                    var videoInfo: VideoInfo?
                    private enum CodingKeys: String, CodingKey {
                        case type
                        case idStr = "id_str"
                        case mediaURLHTTPS = "media_url_https"
                        case videoInfo = "video_info"
                    }
                }

                var type: String?
                var media: Media?
            }

            var text: String?
            var attachment: Attachment?
        }

        var senderId: WireSnowflake
        var target: Target
        var messageData: MessageData?

        private enum CodingKeys: String, CodingKey {
            case target
            case senderId = "sender_id"
            case messageData = "message_data"
        }
    }

    var type: String
    var id: WireSnowflake
    var createdTimestamp: WireMillisecondsDate?
    var messageCreate: MessageCreate?

    private enum CodingKeys: String, CodingKey {
        case type, id
        case createdTimestamp = "created_timestamp"
        case messageCreate = "message_create"
    }

    /// The attached media, when there is one with an id.
    var media: XMedia? {
        guard let media = messageCreate?.messageData?.attachment?.media, let key = media.idStr else { return nil }
        let variants = (media.videoInfo?.variants ?? []).compactMap(\.value).compactMap { variant in
            variant.url.map { XMedia.Variant(url: $0, contentType: variant.contentType, bitRate: variant.bitrate) }
        }
        return XMedia(mediaKey: key, type: media.type ?? "", url: media.mediaURLHTTPS, variants: variants)
    }

    /// The event in the common shape; `nil` for anything but a message (v2 is asked for
    /// `MessageCreate` only, so both dialects list the same kind).
    var event: DMEvent? {
        guard type == "message_create", let message = messageCreate else { return nil }
        let sender = message.senderId.value
        let recipient = message.target.recipientId.value
        return DMEvent(
            id: id.value,
            eventType: .messageCreate,
            text: message.messageData?.text ?? "",
            createdAt: createdTimestamp?.date,
            senderId: sender,
            conversationId: DMEvent.oneToOneConversationId(sender, recipient),
            participantIds: [sender, recipient],
            mediaKeys: media.map { [$0.mediaKey] } ?? []
        )
    }
}
