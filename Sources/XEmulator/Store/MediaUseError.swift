/// Why a DM may not carry a media id; the sends answer each with X's refusal of the media.
enum MediaUseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No media with this id, or media the sender did not upload (a customer's).
    case unknown(String)
    /// Uploaded by another user who did not name the sender in `additional_owners`.
    case notOwned(String)
    /// Uploaded more than a day ago.
    case expired(String)
    /// Uploaded for Posts (`tweet_image`, ...), not with a `dm_*` category.
    case notForDirectMessages(String, MediaCategory)
    /// Still processing (`pending` or `in_progress`).
    case notProcessed(String, MediaProcessing.State)
    /// Processing failed.
    case processingFailed(String)
    /// Attached to a DM already and not uploaded as `shared`.
    case alreadyUsed(String)

    /// The media id refused.
    var mediaID: String {
        switch self {
        case .unknown(let id), .notOwned(let id), .expired(let id), .notForDirectMessages(let id, _), .notProcessed(let id, _), .processingFailed(let id),
            .alreadyUsed(let id):
            id
        }
    }

    var description: String {
        switch self {
        case .unknown(let id): "The media id \(id) is not media this user uploaded."
        case .notOwned(let id): "The media id \(id) was uploaded by another user who did not add this user to its additional_owners."
        case .expired(let id): "The media id \(id) expired: media can be attached for a day after upload."
        case .notForDirectMessages(let id, let category): "The media id \(id) was uploaded as \(category.rawValue); a Direct Message takes dm_image, dm_gif or dm_video."
        case .notProcessed(let id, let state): "The media id \(id) is still processing (\(state.rawValue)): poll STATUS until it succeeded."
        case .processingFailed(let id): "The media id \(id) failed processing."
        case .alreadyUsed(let id): "The media id \(id) is attached to a Direct Message already; upload it with shared=true to attach it to several."
        }
    }
}
