import Foundation

/// What a webhook endpoint does with X's two requests; `WebhookServer` carries them over HTTP.
public protocol WebhookHandling: Sendable {
    /// `GET <path>?crc_token=T`: X's challenge-response check.
    func answerCRC(token: String?) -> WebhookAnswer
    /// `POST <path>`: a delivery, its body whole (within the size limit) and its signature header.
    func deliver(signature: String?, body: Data) async -> WebhookAnswer
    /// A delivery refused before it was read (too large); counted by the handler.
    func refusedUnread(reason: String)
}
