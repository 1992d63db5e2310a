import Foundation

/// How ingest keeps customers' media where agents can open them (`media.*`); nil in the
/// configuration when `media.folder` is empty, and then messages carry X's media URLs as before.
public struct MediaSettings: Sendable {
    /// The media store's folder (one host, or a volume every ingest host mounts at that path).
    public var folder: String
    /// Where agents reach the media service (`https://media.example.com`): the links' base.
    public var publicURL: String
    /// The HMAC key of the links (at least 32 characters).
    public var linkSecret: Secret
    /// How long a link works after the message is published.
    public var linkLifetime: Duration
    /// The largest media item fetched, in bytes; a larger one is marked unavailable.
    public var maxBytes: Int
    /// Time allowed to fetch one item before the message is published without it (fetched again
    /// in the background).
    public var fetchTimeout: Duration
    /// Background fetches of an item that could not be fetched in time, before giving up.
    public var retries: Int
    /// Wait before the first background fetch, doubled after each failure.
    public var retryDelay: Duration
    /// Age after which stored media are deleted (they are personal data).
    public var retention: Duration
    /// The line added to the message's text for each available item: `{kind}` (photo, gif,
    /// video, file), `{url}`, `{type}`, `{size}` (bytes).
    public var textTemplate: String
    /// The media service's listening address and port (0: not served by this process).
    public var host: String
    public var port: Int

    public init(
        folder: String, publicURL: String, linkSecret: Secret, linkLifetime: Duration = .seconds(7 * 86_400), maxBytes: Int = 20_000_000,
        fetchTimeout: Duration = .seconds(20), retries: Int = 5, retryDelay: Duration = .seconds(30), retention: Duration = .seconds(30 * 86_400),
        textTemplate: String = "[{kind}] {url}", host: String = "0.0.0.0", port: Int = 8090
    ) {
        self.folder = folder
        self.publicURL = publicURL
        self.linkSecret = linkSecret
        self.linkLifetime = linkLifetime
        self.maxBytes = maxBytes
        self.fetchTimeout = fetchTimeout
        self.retries = retries
        self.retryDelay = retryDelay
        self.retention = retention
        self.textTemplate = textTemplate
        self.host = host
        self.port = port
    }
}
