/// A file X has taken and processed: its id goes in a DM's `attachments`.
public struct XUploadedMedia: Sendable, Hashable {
    public var mediaId: String
    public var mediaKey: String?
    /// Seconds the id stays usable from the upload (X: 24 hours).
    public var expiresAfterSeconds: Int?

    public init(mediaId: String, mediaKey: String? = nil, expiresAfterSeconds: Int? = nil) {
        self.mediaId = mediaId
        self.mediaKey = mediaKey
        self.expiresAfterSeconds = expiresAfterSeconds
    }
}
