/// What X remembers of media uploaded through the API, to decide whether a DM may carry it: the
/// uploader, and the users it named in `additional_owners`, may attach it for a day after the
/// upload, once processing succeeded, to one DM, or to several when it was uploaded `shared`.
struct MediaUploadRecord: Sendable {
    let owner: UInt64
    let additionalOwners: [UInt64]
    let category: MediaCategory
    let shared: Bool
    /// Unix seconds after which it can no longer be attached (nor its STATUS read).
    let expiresAt: Double
    /// `nil` when it was usable at once (images, one-request uploads).
    let processing: MediaProcessing?
    /// How many DMs carry it.
    var uses = 0

    /// Why `user` may not attach it to a DM at `now` (Unix seconds); `nil` when it may.
    func refusal(id: String, user: UInt64, now: Double) -> MediaUseError? {
        guard user == owner || additionalOwners.contains(user) else { return .notOwned(id) }
        guard now < expiresAt else { return .expired(id) }
        guard category.isForDirectMessages else { return .notForDirectMessages(id, category) }
        if let status = processing?.status(at: now) {
            switch status.state {
            case .pending, .inProgress: return .notProcessed(id, status.state)
            case .failed: return .processingFailed(id)
            case .succeeded: break
            }
        }
        guard shared || uses == 0 else { return .alreadyUsed(id) }
        return nil
    }
}
