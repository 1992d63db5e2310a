import Foundation

/// The bytes of one DM media item as X served them.
public struct XMediaDownload: Sendable {
    public var bytes: Data
    /// The `Content-Type` X answered with (`application/octet-stream` for most media).
    public var contentType: String?
    /// The endpoint's budget after the call.
    public var rateLimit: RateLimitInfo?

    public init(bytes: Data, contentType: String?, rateLimit: RateLimitInfo?) {
        self.bytes = bytes
        self.contentType = contentType
        self.rateLimit = rateLimit
    }
}
