/// Downloading the media customers attach to DMs, with the account's credentials (X serves DM
/// media only to a participant, with a `dm.read` token or an OAuth 1.0a signature).
public protocol XMediaDownloading: Sendable {
    /// The bytes of `media`, at most `maxBytes` of them. Throws `XAPIError`:
    /// `.invalidArgument(argument: "maxBytes")` for a larger item (not retryable: it fails the
    /// same way again), `.rejected` for one X refuses or no longer has, `.transient` and
    /// `.rateLimited` for what may pass.
    func downloadDMMedia(_ media: XDMMediaReference, maxBytes: Int) async throws -> XMediaDownload
}
