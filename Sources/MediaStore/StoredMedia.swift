import Foundation

/// What the store knows of one object: enough to serve it (type, size, checksum) and to purge
/// it (when it was stored).
public struct StoredMedia: Sendable, Hashable, Codable {
    /// Where it is stored.
    public var key: String
    /// The MIME type it is served with (`image/jpeg`, ...).
    public var contentType: String
    /// Its size in bytes.
    public var size: Int
    /// The SHA-256 of its bytes, lowercase hexadecimal: the agent (or Kiamo) can check the file,
    /// and the server uses it as the ETag.
    public var sha256: String
    /// When it was stored.
    public var storedAt: Date

    public init(key: String, contentType: String, size: Int, sha256: String, storedAt: Date) {
        self.key = key
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.storedAt = storedAt
    }
}
