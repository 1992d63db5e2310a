import Foundation
import XIdentifiers

/// Turns a delivery from the send queue into a `SendCommand`, or says precisely why it cannot be
/// one. Pure: the same bytes, properties and configuration always give the same answer.
public struct SendCommandValidator: Sendable {
    /// X's limit on one DM's text.
    public static let maxTextLength = 10_000

    /// Accounts the worker serves.
    public var accountIds: Set<String>
    /// Largest body accepted, in bytes.
    public var maxBodyBytes: Int
    /// Split replies over `maxTextLength` at white space instead of rejecting them.
    public var splitLongMessages: Bool

    public init(accountIds: Set<String>, maxBodyBytes: Int, splitLongMessages: Bool) {
        self.accountIds = accountIds
        self.maxBodyBytes = maxBodyBytes
        self.splitLongMessages = splitLongMessages
    }

    /// What the validator reads of a delivery besides its body.
    public struct Envelope: Sendable {
        public var routingKey: String
        public var messageId: String?
        /// The `x-account-id` header when present: `.some(nil)` when present but not a string.
        public var accountHeader: String??

        public init(routingKey: String, messageId: String? = nil, accountHeader: String?? = nil) {
            self.routingKey = routingKey
            self.messageId = messageId
            self.accountHeader = accountHeader
        }
    }

    public func validate(body: Data, envelope: Envelope) -> Result<SendCommand, CommandFailure> {
        Result { try command(body: body, envelope: envelope) }.mapError { $0 as? CommandFailure ?? CommandFailure(.invalidJSON, "\($0)") }
    }

    private func command(body: Data, envelope: Envelope) throws -> SendCommand {
        guard body.count <= maxBodyBytes else {
            throw CommandFailure(.tooLarge, "the command is \(body.count) bytes, more than the \(maxBodyBytes) allowed (dispatch.maxCommandBytes)")
        }
        guard String(validating: body, as: UTF8.self) != nil else {
            throw CommandFailure(.invalidEncoding, "the command body is not UTF-8 text")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) as? [String: Any] else {
                throw CommandFailure(.invalidJSON, "the command must be a JSON object like {\"to\": {\"id\": \"...\"}, \"content\": \"...\"}")
            }
            object = parsed
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(.invalidJSON, "the command body is not valid JSON")
        }

        guard let toValue = object["to"] else { throw CommandFailure(.missingField, "the command has no `to` (the recipient: {\"id\": \"<X user id>\"})") }
        guard let to = toValue as? [String: Any] else { throw CommandFailure(.wrongType, "`to` must be an object with the recipient's `id`") }
        guard let recipientValue = to["id"] else { throw CommandFailure(.missingField, "the command has no `to.id` (the recipient's X user id)") }
        guard let recipientId = recipientValue as? String else {
            throw CommandFailure(.wrongType, "`to.id` must be a string of digits (X ids exceed what JSON numbers keep exactly)")
        }
        guard XID.isValid(recipientId) else {
            throw CommandFailure(.invalidRecipient, "`to.id` '\(recipientId.prefix(40))' is not a numeric X user id (1 to 19 digits, at most \(Int64.max))")
        }
        let recipientName = to["name"] as? String

        let attachment = try attachment(object["attachments"])
        let content: String
        switch object["content"] {
        case nil, is NSNull:
            // X posts a DM with media and no text.
            guard attachment != nil else { throw CommandFailure(.missingField, "the command has no `content` (the reply's text)") }
            content = ""
        case let text as String:
            content = text
        default:
            throw CommandFailure(.wrongType, "`content` must be a string")
        }
        guard attachment != nil || !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CommandFailure(.emptyContent, "`content` is empty: X does not post an empty DM")
        }

        let id: String
        switch object["id"] {
        case nil, is NSNull:
            guard let messageId = envelope.messageId, !messageId.isEmpty else {
                throw CommandFailure(.missingId, "the command has neither an `id` nor an AMQP message_id: without one a redelivery cannot be told from a new reply; set either when publishing")
            }
            id = messageId
        case let value as String where !value.isEmpty && value.count <= 200:
            id = value
        default:
            throw CommandFailure(.wrongType, "`id` must be a non-empty string of at most 200 characters")
        }

        let accountId = try account(object: object, envelope: envelope)

        // X counts code points after NFC normalisation (as the emulator does).
        let length = content.precomposedStringWithCanonicalMapping.unicodeScalars.count
        var parts = [content]
        if length > Self.maxTextLength {
            guard splitLongMessages else {
                throw CommandFailure(.contentTooLong, "`content` has \(length) characters; X allows \(Self.maxTextLength) per DM (turn on dispatch.splitLongMessages to send it in parts)")
            }
            parts = MessageSplitter.split(content, limit: Self.maxTextLength)
        }
        return SendCommand(
            id: id, accountId: accountId, recipientId: recipientId, recipientName: recipientName, content: content, parts: parts,
            attachment: attachment)
    }

    /// The reply's one attachment (`attachments` absent, null or empty: none).
    private func attachment(_ value: Any?) throws(CommandFailure) -> ReplyAttachment? {
        switch value {
        case nil, is NSNull:
            return nil
        case let items as [Any]:
            guard items.count <= 1 else {
                throw CommandFailure(
                    .invalidAttachment,
                    "the command has \(items.count) attachments; X takes one media per DM: send one command per attachment")
            }
            return try items.first.map { (item) throws(CommandFailure) in try ReplyAttachment.parse(item) }
        default:
            throw CommandFailure(.invalidAttachment, "`attachments` must be an array like [{\"url\": \"https://...\"}]")
        }
    }

    /// The account: the body's `accountId`, else the routing key's `send.<accountId>`, else the only one configured.
    private func account(object: [String: Any], envelope: Envelope) throws -> String {
        guard let routed = WireContract.RoutingKey.sendAccount(envelope.routingKey) else {
            throw CommandFailure(.unknownRoutingKey, "routing key '\(envelope.routingKey.prefix(100))' is not send.<accountId>")
        }
        var header: String?
        if let accountHeader = envelope.accountHeader {
            guard let value = accountHeader else { throw CommandFailure(.invalidHeader, "header \(WireContract.Header.accountId) must be a string") }
            header = value
        }
        var bodyAccount: String?
        if let value = object["accountId"], !(value is NSNull) {
            guard let text = value as? String else { throw CommandFailure(.wrongType, "`accountId` must be a string") }
            bodyAccount = text
        }
        let candidates = [bodyAccount, header, routed.isEmpty ? nil : routed].compactMap { $0 }
        if let first = candidates.first, candidates.contains(where: { $0 != first }) {
            throw CommandFailure(.accountMismatch, "the command names account \(first) but its routing key or header names \(candidates.first { $0 != first } ?? "")")
        }
        guard let accountId = candidates.first ?? (accountIds.count == 1 ? accountIds.first : nil) else {
            throw CommandFailure(.unknownAccount, "the command names no account and several are configured")
        }
        guard accountIds.contains(accountId) else {
            throw CommandFailure(.unknownAccount, "account \(accountId.prefix(40)) is not configured in this worker")
        }
        return accountId
    }
}
