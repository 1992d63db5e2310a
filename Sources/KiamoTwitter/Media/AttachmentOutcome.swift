import MediaStore
import XAPI

/// What became of one media item of a DM, and the decision that follows from a failure: wait
/// for a background fetch (`pending`) or give it up (`unavailable`). Pure.
public enum AttachmentOutcome: Sendable, Hashable {
    case available(StoredMedia)
    /// Not fetched yet; the link works once a background fetch succeeds.
    case pending(reason: String)
    /// Given up, for `reason`.
    case unavailable(reason: String)

    /// The status word the Kiamo message carries.
    public var status: String {
        switch self {
        case .available: "available"
        case .pending: "pending"
        case .unavailable: "unavailable"
        }
    }

    /// The outcome of a fetch that failed with `error`: what may pass is pending, what would fail
    /// the same way again is unavailable.
    public static func failed(_ error: any Error, maxBytes: Int) -> AttachmentOutcome {
        switch error {
        case let error as XAPIError:
            switch error {
            case .invalidArgument(_, "maxBytes", _):
                return .unavailable(reason: "larger than \(maxBytes) bytes (media.maxBytes)")
            case .rejected(_, let status, let problem, _):
                let detail = problem.detail ?? problem.title ?? ""
                return .unavailable(reason: "X refused it (HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)"))")
            case .rateLimited:
                return .pending(reason: "X's rate limit for media was reached")
            case .transient(_, let cause, _):
                return .pending(reason: "X did not hand it over (\(cause))")
            case .unauthorized:
                return .pending(reason: "X refused the account's credentials")
            case .refreshRejected, .decoding, .invalidArgument:
                return .unavailable(reason: "\(error)")
            }
        case let error as MediaStoreError:
            switch error {
            case .refusedContentType(let type): return .unavailable(reason: "files of type \(type) are not kept")
            case .unwritable, .unreadable: return .pending(reason: "the media store cannot be written")
            }
        case is FetchTimeout:
            return .pending(reason: "X did not hand it over within media.fetchTimeout")
        case is CancellationError:
            return .pending(reason: "the worker was stopping")
        default:
            return .pending(reason: "\(type(of: error))")
        }
    }

    /// A fetch took longer than `media.fetchTimeout`.
    public struct FetchTimeout: Error, Sendable {
        public init() {}
    }
}
