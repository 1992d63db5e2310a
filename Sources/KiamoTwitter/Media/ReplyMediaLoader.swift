import CurlHTTP
import Foundation
import Logging
import MediaStore
import XAPI

/// A reply's attachment read and checked, ready to upload to X.
public struct LoadedReplyMedia: Sendable, Hashable {
    public var bytes: Data
    /// The type read from the bytes (`MediaSniffer`), never the one a server or file name claims.
    public var mediaType: String
    public var category: XMediaCategory

    public init(bytes: Data, mediaType: String, category: XMediaCategory) {
        self.bytes = bytes
        self.mediaType = mediaType
        self.category = category
    }
}

/// Reads a reply's `url` or `path` attachment (`ReplyAttachment`); the dispatch worker uploads
/// what it returns.
public protocol ReplyMediaFetching: Sendable {
    func load(_ attachment: ReplyAttachment) async throws(ReplyMediaError) -> LoadedReplyMedia
}

/// Downloads `url` attachments from allowed hosts and reads `path` attachments inside the allowed
/// folder, as `ReplyMediaSettings` say.
///
/// A URL's host is resolved here, every address it resolves to is checked (a public address,
/// or one in `allowedNetworks`), and the download connects to exactly those addresses
/// (`HTTPRequest.pinnedAddresses`): a name that resolves to a public address for the check and
/// to `127.0.0.1` a moment later (DNS rebinding) cannot lead the worker inside. Redirects are
/// not followed, since a redirect could lead anywhere; the body is bounded by `maxBytes` as it
/// arrives.
public final class ReplyMediaLoader: ReplyMediaFetching {
    let settings: ReplyMediaSettings
    let http: HTTPClient
    let lookup: HostLookup

    /// `http` must not follow redirects (`maxRedirects` 0, CurlHTTP's default).
    public init(settings: ReplyMediaSettings, http: HTTPClient, lookup: HostLookup = .system) {
        self.settings = settings
        self.http = http
        self.lookup = lookup
    }

    /// The loader the dispatch worker uses, when the operator allowed hosts or a folder (nil:
    /// `url` and `path` attachments are refused). Its HTTP client is its own: it follows no
    /// redirect, and the addresses it pins stay out of the X client's DNS cache.
    public static func configured(_ settings: ReplyMediaSettings, logger: Logger) throws -> ReplyMediaLoader? {
        guard !settings.allowedHosts.isEmpty || !settings.folder.isEmpty else { return nil }
        var configuration = HTTPClient.Configuration()
        configuration.maxRedirects = 0
        configuration.timeout = settings.fetchTimeout
        configuration.maxResponseSize = settings.maxBytes
        configuration.userAgent = "kiamo-twitter-dispatch"
        return ReplyMediaLoader(settings: settings, http: try HTTPClient(configuration: configuration, logger: logger))
    }

    public func load(_ attachment: ReplyAttachment) async throws(ReplyMediaError) -> LoadedReplyMedia {
        let bytes: Data
        switch attachment {
        case .mediaId:
            throw .refused("a media id is posted as it is, not loaded")
        case .url(let url):
            bytes = try await download(url)
        case .path(let path):
            bytes = try await read(path)
        }
        return try Self.checked(bytes, maxBytes: settings.maxBytes)
    }

    // MARK: Decisions

    /// Where a URL attachment leads: its host and port, if the URL is allowed at all.
    struct Target: Sendable, Hashable {
        var host: String
        var port: Int
    }

    /// The host and port of `url`, or why it is refused.
    static func target(of url: String, settings: ReplyMediaSettings) throws(ReplyMediaError) -> Target {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = components.host, !host.isEmpty
        else {
            throw .refused("the attachment's url is not an http(s) URL with a host")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !settings.allowedHosts.isEmpty else {
            throw .refused("attachments by url are off: no host is allowed (dispatch.attachments.allowedHosts)")
        }
        guard settings.allows(host: host) else {
            throw .refused("the attachment's host is not one of dispatch.attachments.allowedHosts")
        }
        return Target(host: host, port: components.port ?? (scheme == "https" ? 443 : 80))
    }

    /// The addresses the download may connect to: all of `addresses`, when each is public or in
    /// `allowedNetworks`. One internal address refuses the whole name, since the connection
    /// could go to any of them.
    static func permitted(_ addresses: [[UInt8]], settings: ReplyMediaSettings) throws(ReplyMediaError) -> [[UInt8]] {
        for address in addresses where !IPNetwork.isPublic(address) && !settings.allowedNetworks.contains(where: { $0.contains(address) }) {
            throw .refused(
                "the attachment's host resolves to \(IPNetwork.format(address)), an internal address (loopback, private or reserved): allow its range in dispatch.attachments.allowedNetworks if it is meant"
            )
        }
        return addresses
    }

    /// The bytes as an attachment X's DMs carry, or why not.
    static func checked(_ bytes: Data, maxBytes: Int) throws(ReplyMediaError) -> LoadedReplyMedia {
        guard !bytes.isEmpty else { throw .refused("the attachment is empty (0 bytes)") }
        guard bytes.count <= maxBytes else {
            throw .refused("the attachment has \(bytes.count) bytes, more than dispatch.attachments.maxBytes (\(maxBytes))")
        }
        let type = MediaSniffer.contentType(of: bytes, declared: nil)
        guard let category = XMediaCategory(mediaType: type) else {
            throw .refused("the attachment is not a JPEG, PNG, WebP or GIF image nor an MP4 or MOV video, the types X's DMs carry (its bytes read as \(type))")
        }
        guard bytes.count <= category.maxBytes else {
            throw .refused("the attachment (\(type)) has \(bytes.count) bytes, more than the \(category.maxBytes) X takes for \(category.rawValue)")
        }
        return LoadedReplyMedia(bytes: bytes, mediaType: type, category: category)
    }

    /// The names leading from `folder` to the file `path` names (relative to the folder, or
    /// absolute inside it), or why not: `..` never, nor a path outside the folder. Symbolic links
    /// are not resolved here: the read opens each name under the folder without following one
    /// (`readFile`), so no link, swapped in at any moment, leads out.
    static func components(of path: String, folder: String) throws(ReplyMediaError) -> [String] {
        guard !folder.isEmpty else { throw .refused("attachments by path are off: no folder is allowed (dispatch.attachments.folder)") }
        var relative = Substring(path)
        if path.hasPrefix("/") {
            var base = folder
            while base.count > 1, base.hasSuffix("/") { base.removeLast() }
            guard path.hasPrefix(base == "/" ? "/" : base + "/") else {
                throw .refused("the attachment's path leads outside dispatch.attachments.folder")
            }
            relative = path.dropFirst(base == "/" ? 1 : base.count + 1)
        }
        let names = relative.split(separator: "/").map(String.init).filter { $0 != "." }
        guard !names.contains("..") else { throw .refused("the attachment's path leads outside dispatch.attachments.folder") }
        guard !names.isEmpty else { throw .refused("the attachment's path names no file") }
        return names
    }

    // MARK: I/O

    private func download(_ url: String) async throws(ReplyMediaError) -> Data {
        let target = try Self.target(of: url, settings: settings)
        let addresses = try Self.permitted(try await lookup.addresses(target.host), settings: settings)
        let pinned =
            "\(target.host):\(target.port):"
            + addresses.map { $0.count == 16 ? "[\(IPNetwork.format($0))]" : IPNetwork.format($0) }.joined(separator: ",")
        let response: HTTPResponse
        do {
            response = try await http.execute(
                HTTPRequest(url: url, timeout: settings.fetchTimeout, maxResponseSize: settings.maxBytes, pinnedAddresses: [pinned]))
        } catch let error as HTTPClientError {
            switch error {
            case .tooLarge:
                throw .refused("the attachment is larger than dispatch.attachments.maxBytes (\(settings.maxBytes))")
            case .invalidURL, .invalidRequest:
                // Not the error's words: they quote the URL (redacted, but its path may still
                // name a customer).
                throw .refused("the attachment's url cannot be requested by libcurl")
            default:
                // CurlHTTP's network errors name the host and port, never the path or query.
                throw .transient("downloading the attachment failed: \(error)")
            }
        } catch {
            throw .transient("downloading the attachment was interrupted")
        }
        switch response.status {
        case 200:
            return response.body
        case 408, 425, 429, 500...599:
            throw .transient("the attachment's server answered HTTP \(response.status)")
        case 300...399:
            throw .unavailable("the attachment's server answered HTTP \(response.status), a redirect, which the worker does not follow (give the final URL)")
        default:
            throw .unavailable("the attachment's server answered HTTP \(response.status)")
        }
    }

    private func read(_ path: String) async throws(ReplyMediaError) -> Data {
        let names = try Self.components(of: path, folder: settings.folder)
        let (folder, maxBytes) = (settings.folder, settings.maxBytes)
        // Reading a file blocks: a thread of its own, not the cooperative pool.
        let result: Result<Data, ReplyMediaError> = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: Self.readFile(names, in: folder, maxBytes: maxBytes)) }
            thread.name = "kiamo.attachment-read"
            thread.start()
        }
        return try result.get()
    }

    /// Opens `names` one by one under `folder`, following no symbolic link (`O_NOFOLLOW` at every
    /// step), and reads the regular file at the end, at most `maxBytes`.
    static func readFile(_ names: [String], in folder: String, maxBytes: Int) -> Result<Data, ReplyMediaError> {
        func failure(_ code: Int32) -> ReplyMediaError {
            switch code {
            case ENOENT: .unavailable("the attachment's file does not exist")
            case ELOOP, ENOTDIR: .refused("the attachment's path passes through a symbolic link or a file, which is not followed")
            default: .unavailable("the attachment's file cannot be opened (\(String(cString: strerror(code))))")
            }
        }
        var directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return .failure(.unavailable("dispatch.attachments.folder cannot be opened (\(String(cString: strerror(errno)))))")) }
        defer { close(directory) }
        for name in names.dropLast() {
            let next = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { return .failure(failure(errno)) }
            close(directory)
            directory = next
        }
        // O_NONBLOCK: a FIFO put in the folder must not hang the read.
        let descriptor = openat(directory, names[names.count - 1], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(failure(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.refused("the attachment's path is not a regular file"))
        }
        guard Int(status.st_size) <= maxBytes else {
            return .failure(.refused("the attachment has \(status.st_size) bytes, more than dispatch.attachments.maxBytes (\(maxBytes))"))
        }
        var data = Data(count: Int(status.st_size) + 1)
        var total = 0
        let failed = data.withUnsafeMutableBytes { buffer -> Int32? in
            while total < buffer.count {
                let count = Foundation.read(descriptor, buffer.baseAddress! + total, buffer.count - total)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { break }
                total += count
            }
            return nil
        }
        if let failed { return .failure(.transient("reading the attachment's file failed (\(String(cString: strerror(failed))))")) }
        guard total <= maxBytes else {
            return .failure(.refused("the attachment grew past dispatch.attachments.maxBytes (\(maxBytes)) while it was read"))
        }
        return .success(data.prefix(total))
    }
}
