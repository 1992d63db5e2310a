import Foundation

/// Uploading a file for a DM with the account's credentials (`media.write`).
public protocol XMediaUploading: Sendable {
    /// Uploads `bytes` of `mediaType` in `category`: initialize, append in segments, finalize,
    /// then wait for X's processing (videos and GIFs) as X's `check_after_secs` says, at most
    /// `processingTimeout`. Throws `XAPIError`: `.invalidArgument` for a file X will never take
    /// (too large for the category, processing failed), `.rejected`, `.transient`, `.rateLimited`.
    func uploadMedia(_ bytes: Data, mediaType: String, category: XMediaCategory, processingTimeout: Duration) async throws -> XUploadedMedia
}
