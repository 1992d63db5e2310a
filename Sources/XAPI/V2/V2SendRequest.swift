/// Body of `POST /2/dm_conversations/with/{participant_id}/messages`, encoded by `JSONEncoder` so
/// quotes, newlines and emoji reach X intact.
struct V2SendRequest: Encodable, Sendable {
    struct Attachment: Encodable, Sendable {
        var mediaId: String
        private enum CodingKeys: String, CodingKey { case mediaId = "media_id" }
    }

    /// Absent when the DM is media alone (X refuses an empty `text`).
    var text: String?
    /// Uploaded media (`XMediaUploading`); absent when none.
    var attachments: [Attachment]?

    init(text: String, mediaIds: [String] = []) {
        self.text = text.isEmpty ? nil : text
        self.attachments = mediaIds.isEmpty ? nil : mediaIds.map { Attachment(mediaId: $0) }
    }
}
