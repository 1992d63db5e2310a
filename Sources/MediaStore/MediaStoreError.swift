/// Why the media store could not do what it was asked, in words an operator can act on. Paths
/// are the store's own (never a link or its signature).
public enum MediaStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store's folder cannot be created or written (permissions, a full disk, a read-only
    /// volume).
    case unwritable(path: String, reason: String)
    /// An object or its description cannot be read back.
    case unreadable(key: String, reason: String)
    /// The content type is not one a browser may be handed as such (`text/html` and friends are
    /// refused: a customer's file must not run as a page on the media host).
    case refusedContentType(String)

    public var description: String {
        switch self {
        case .unwritable(let path, let reason):
            "the media store cannot write \(path): \(reason); check that the folder (media.folder) exists, is writable by the worker and has space"
        case .unreadable(let key, let reason): "the media store cannot read \(key): \(reason)"
        case .refusedContentType(let type): "media of type \(type) are not stored: they could run as a page where agents open them"
        }
    }
}
