/// Why a reply's attachment could not be had. Never quotes the URL or path (they may carry a
/// token or a customer's name), only what an operator needs to act.
public enum ReplyMediaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not allowed, or not something X's DMs carry: a dead letter, whatever a retry would do.
    case refused(String)
    /// Gone or refused by its source (404, a missing file): a dead letter.
    case unavailable(String)
    /// May work later (a timeout, a 5xx, the network): retried like a failed post.
    case transient(String)

    public var description: String {
        switch self {
        case .refused(let why), .unavailable(let why), .transient(let why): why
        }
    }
}
