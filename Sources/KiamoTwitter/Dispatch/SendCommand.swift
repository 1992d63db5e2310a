/// An agent's reply, validated: what the dispatch worker posts as one or more DMs.
///
/// The wire form is Kiamo's message task,
/// `{"to": {"id": "...", "name": "..."}, "content": "...", "id"?: "...", "accountId"?: "...",
/// "attachments"?: [{"url" | "path" | "mediaId": "..."}]}`.
public struct SendCommand: Sendable, Hashable {
    /// Idempotency key: the body's `id`, else the AMQP `message_id`.
    public var id: String
    public var accountId: String
    /// Numeric X user id of the customer.
    public var recipientId: String
    public var recipientName: String?
    public var content: String
    /// The DMs to post, in order: one part, or several when a long reply was split.
    public var parts: [String]
    /// The media the reply carries, posted with its first part; nil for text alone.
    public var attachment: ReplyAttachment?

    public init(
        id: String, accountId: String, recipientId: String, recipientName: String? = nil, content: String, parts: [String]? = nil,
        attachment: ReplyAttachment? = nil
    ) {
        self.id = id
        self.accountId = accountId
        self.recipientId = recipientId
        self.recipientName = recipientName
        self.content = content
        self.parts = parts ?? [content]
        self.attachment = attachment
    }

    /// The attachment posted with part `index`: the first part carries it, so the customer sees
    /// the media with the beginning of the reply.
    public func attachment(part index: Int) -> ReplyAttachment? {
        index == 0 ? attachment : nil
    }

    /// The send-ledger key of part `index` (0-based): the command id for a single part, so a
    /// reply keeps one key whether or not splitting is on, and `<id>#<n>/<count>` for parts.
    public func ledgerKey(part index: Int) -> String {
        parts.count == 1 ? id : "\(id)#\(index + 1)/\(parts.count)"
    }
}
