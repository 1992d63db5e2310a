import Foundation
import XIdentifiers

/// The media a reply carries (a send command's `attachments`, one item: X takes one media per DM).
///
/// Where the file comes from decides what the dispatch worker may do with it, and each form is
/// opt-in by the operator (`ReplyMediaSettings`): a `url` is fetched only from allowed hosts and
/// never from an internal address, a `path` is read only inside the allowed folder, a `mediaId`
/// is posted as given (the account uploaded it; X refuses another account's media).
public enum ReplyAttachment: Sendable, Hashable {
    /// Media the account uploaded itself: posted as is.
    case mediaId(String)
    /// An `http(s)` URL the worker downloads, then uploads to X.
    case url(String)
    /// A file inside `dispatch.attachments.folder` the worker reads, then uploads to X.
    case path(String)

    /// The longest `url` accepted.
    public static let maxURLLength = 2_048
    /// The longest `path` accepted.
    public static let maxPathLength = 1_024

    /// The form's name, for logs and reports: the URL or path itself is never logged (it may carry
    /// a token or a customer's name).
    public var kind: String {
        switch self {
        case .mediaId: "mediaId"
        case .url: "url"
        case .path: "path"
        }
    }

    /// The attachment described by one item of `attachments`, or why it is not one.
    static func parse(_ value: Any) throws(CommandFailure) -> ReplyAttachment {
        guard let item = value as? [String: Any] else {
            throw CommandFailure(.invalidAttachment, "each item of `attachments` must be an object with one of `url`, `path` or `mediaId`")
        }
        let given = ["url", "path", "mediaId"].filter { item[$0] != nil && !(item[$0] is NSNull) }
        guard given.count == 1, let field = given.first else {
            throw CommandFailure(
                .invalidAttachment,
                given.isEmpty
                    ? "an attachment must have one of `url`, `path` or `mediaId`"
                    : "an attachment must have only one of `url`, `path` or `mediaId` (it has \(given.map { "`\($0)`" }.joined(separator: " and ")))")
        }
        guard let text = item[field] as? String, !text.isEmpty else {
            throw CommandFailure(.invalidAttachment, "the attachment's `\(field)` must be a non-empty string")
        }
        switch field {
        case "mediaId":
            guard XID.isValid(text) else {
                throw CommandFailure(.invalidAttachment, "the attachment's `mediaId` must be X's numeric media id (1 to 19 digits)")
            }
            return .mediaId(text)
        case "url":
            guard text.unicodeScalars.count <= maxURLLength else {
                throw CommandFailure(.invalidAttachment, "the attachment's `url` has \(text.unicodeScalars.count) characters, more than the \(maxURLLength) allowed")
            }
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty
            else {
                // The URL is not quoted: it may carry a token.
                throw CommandFailure(.invalidAttachment, "the attachment's `url` must be an absolute http:// or https:// URL with a host")
            }
            guard components.user == nil, components.password == nil else {
                throw CommandFailure(.invalidAttachment, "the attachment's `url` must not carry a user name or password")
            }
            return .url(text)
        default:
            guard text.unicodeScalars.count <= maxPathLength, !text.utf8.contains(0) else {
                throw CommandFailure(.invalidAttachment, "the attachment's `path` must be at most \(maxPathLength) characters without NUL")
            }
            return .path(text)
        }
    }
}
