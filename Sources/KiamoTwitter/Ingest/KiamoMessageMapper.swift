import Foundation
import XAPI

/// Maps X's DM events to Kiamo messages: the original sample's `buildMessageRecord` and
/// `buildUserRecord`, pure, for both API dialects.
///
/// v2 pages carry their senders (`includes.users`), so no call per message; v1.1 pages do not, and
/// the ingest engine resolves senders through the shared cache before mapping.
public struct KiamoMessageMapper: Sendable {
    /// The account whose DMs are read: its own messages are not published.
    public let accountId: String
    /// `senderName` template: `{name}`, `{username}` and `{id}` are replaced (`{name}@{username}`).
    public let senderNameTemplate: String

    public init(accountId: String, senderNameTemplate: String = "{name}@{username}") {
        self.accountId = accountId
        self.senderNameTemplate = senderNameTemplate
    }

    /// Why an event is not published.
    public enum Skip: Sendable, Hashable, CustomStringConvertible {
        /// A join, leave or other non-message event.
        case notAMessage(DMEventType)
        /// The account wrote it (an agent's reply, or a DM sent from X itself).
        case sentByAccount
        /// The id is not a 64-bit number: it cannot be ordered against the cursor.
        case invalidId
        /// X gave no sender.
        case missingSender

        public var description: String {
            switch self {
            case .notAMessage(let type): "not a message (\(type))"
            case .sentByAccount: "sent by the account itself"
            case .invalidId: "its id is not a 64-bit number"
            case .missingSender: "X gave no sender"
            }
        }
    }

    /// Whether `event` becomes a Kiamo message, before its sender is known.
    public func skipReason(_ event: DMEvent) -> Skip? {
        guard event.eventType == .messageCreate else { return .notAMessage(event.eventType) }
        guard Snowflake.parse(event.id) != nil else { return .invalidId }
        guard let sender = event.senderId, !sender.isEmpty else { return .missingSender }
        guard sender != accountId else { return .sentByAccount }
        return nil
    }

    /// The Kiamo message of a DM a customer sent (`skipReason(event) == nil`).
    ///
    /// - Parameters:
    ///   - sender: the sender's user record, when known; without it `senderName` falls back to the
    ///     sender id, so a DM is never held back for a name.
    ///   - media: the page's media, for the event's attachments.
    public func buildMessageRecord(_ event: DMEvent, sender: XUser?, media: [String: XMedia]) -> KiamoMessage {
        let senderId = event.senderId ?? ""
        let created = event.createdAt ?? Snowflake.parse(event.id).map(Snowflake.date(of:)) ?? Date(timeIntervalSince1970: 0)
        return KiamoMessage(
            id: event.id,
            createdAt: Int(created.timeIntervalSince1970.rounded(.down)),
            senderId: senderId,
            senderName: sender.map(buildUserRecord) ?? senderId,
            content: event.text,
            accountId: accountId,
            conversationId: event.conversationId ?? DMEvent.oneToOneConversationId(accountId, senderId),
            attachments: event.mediaKeys.map { key in
                let item = media[key]
                return KiamoAttachment(
                    type: item?.type.isEmpty == false ? item?.type ?? "media" : "media",
                    url: item?.url ?? item?.previewImageURL, mediaKey: key)
            }
        )
    }

    /// The sender's display form in Kiamo (`Jane Doe@janedoe` with the default template), the
    /// template filled in one pass (`PlaceholderTemplate`): a display name holding `{username}` or
    /// `{id}` stays as the customer wrote it.
    public func buildUserRecord(_ user: XUser) -> String {
        PlaceholderTemplate(text: senderNameTemplate).render(["name": user.name, "username": user.username, "id": user.id])
    }
}
