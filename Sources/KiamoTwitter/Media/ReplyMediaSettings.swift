/// Where the dispatch worker may take a reply's attachment from (`dispatch.attachments.*`).
///
/// Off by default for files and URLs: a send command comes from whoever may publish to the send
/// exchange, and a worker that fetched any URL or read any file it was given could be made to
/// reach an internal service or leak a file to a customer. A `mediaId` is always allowed: X
/// itself refuses media another account uploaded.
public struct ReplyMediaSettings: Sendable {
    /// Files named by `path` are read only inside this folder, following no symbolic link;
    /// empty: `path` attachments are refused.
    public var folder: String
    /// Hosts a `url` may name: `media.example.com`, or `*.example.com` for its subdomains. Empty:
    /// `url` attachments are refused.
    public var allowedHosts: [String]
    /// Internal address ranges an allowed host may resolve to (`10.1.2.0/24`, `fd00::/8`): by
    /// default a host that resolves to a loopback, private, link-local or other non-public
    /// address is refused, whatever its name.
    public var allowedNetworks: [IPNetwork]
    /// The largest attachment read or downloaded, in bytes (X takes 5 MB photos, 15 MB GIFs and
    /// 512 MB videos; the file is held in memory while it is uploaded).
    public var maxBytes: Int
    /// Time allowed to download a `url`.
    public var fetchTimeout: Duration
    /// Time X may take to process an uploaded video or GIF before the attempt counts as failed.
    public var processingTimeout: Duration

    public init(
        folder: String = "", allowedHosts: [String] = [], allowedNetworks: [IPNetwork] = [], maxBytes: Int = 15 * 1024 * 1024,
        fetchTimeout: Duration = .seconds(30), processingTimeout: Duration = .seconds(120)
    ) {
        self.folder = folder
        self.allowedHosts = allowedHosts
        self.allowedNetworks = allowedNetworks
        self.maxBytes = maxBytes
        self.fetchTimeout = fetchTimeout
        self.processingTimeout = processingTimeout
    }

    /// Whether `host` is one of `allowedHosts` (names compare case-insensitively; `*.example.com`
    /// matches any name ending in `.example.com`, not `example.com` itself).
    public func allows(host: String) -> Bool {
        let name = host.lowercased().trimmingSuffix(".")
        return allowedHosts.contains { pattern in
            let allowed = pattern.lowercased().trimmingSuffix(".")
            if allowed.hasPrefix("*.") { return name.hasSuffix(String(allowed.dropFirst())) && name.count > allowed.count - 1 }
            return name == allowed
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
