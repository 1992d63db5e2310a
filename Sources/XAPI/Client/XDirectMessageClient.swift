import Foundation

/// The X operations the engines use, the same for API v2 and the legacy v1.1 dialect
/// (the original sample's `readMessages`, `sendMessage` and `getUser`).
///
/// Every method throws `XAPIError` (or `CancellationError` when the calling task is cancelled),
/// and every result carries the endpoint's rate-limit budget.
public protocol XDirectMessageClient: Sendable {
    /// The dialect this client speaks.
    var apiVersion: XAPIVersion { get }

    /// One page of the account's message events, newest first. `pageToken` is the previous page's
    /// `nextToken` (`nil` for the newest page); `maxResults` is clamped to what the dialect allows
    /// (1...100 for v2, 1...50 for v1.1).
    func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage

    /// One page of the message events of the one-to-one conversation with `participantId`, newest
    /// first. v1.1 has no such endpoint: it filters the account's event list page by page.
    func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage

    /// Sends `text` (1 to 10,000 characters, any Unicode) to `participantId` (a numeric user id).
    func sendDM(to participantId: String, text: String) async throws -> SentDM

    /// Sends `text` (empty allowed when there is media) with `mediaIds` (at most one, uploaded by
    /// the account: `XMediaUploading`) attached.
    func sendDM(to participantId: String, text: String, mediaIds: [String]) async throws -> SentDM

    /// X's time now, as its answers' `Date` headers show it (`XServerClock`): what to compare with
    /// X's `created_at`, whatever this host's clock says.
    func serverNow() -> Date

    /// The authenticated user.
    func me() async throws -> XResponse<XUser>

    /// The user with this numeric id.
    func user(id: String) async throws -> XResponse<XUser>

    /// The users with these numeric ids (1 to 100), in X's order; ids X does not know are left out.
    func users(ids: [String]) async throws -> XResponse<[XUser]>

    /// The user with this username (without `@`).
    func user(username: String) async throws -> XResponse<XUser>
}

extension XDirectMessageClient {
    /// Clients that carry no media (test doubles) send text alone and refuse media.
    public func sendDM(to participantId: String, text: String, mediaIds: [String]) async throws -> SentDM {
        guard mediaIds.isEmpty else {
            throw XAPIError.invalidArgument(operation: .sendDM, argument: "mediaIds", reason: "this X client cannot attach media")
        }
        return try await sendDM(to: participantId, text: text)
    }

    /// The newest page of the account's message events, as many as the dialect allows per page.
    public func listDMEvents(pageToken: String? = nil) async throws -> DMEventPage {
        try await listDMEvents(pageToken: pageToken, maxResults: 100)
    }
}
