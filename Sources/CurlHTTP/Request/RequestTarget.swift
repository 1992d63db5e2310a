internal import CCurl
internal import URLRedaction

/// A URL checked before anything is sent: absolute, `http` or `https`, with a host; plus the parts
/// errors and logs may name (scheme, host, port, path), never the query string.
///
/// Parsing uses libcurl's own URL parser (`curl_url`, no I/O), so what passes here is exactly
/// what the transfer will use.
struct RequestTarget: Sendable, Hashable {
    /// The URL as given, handed to libcurl unchanged.
    let url: String
    /// `http` or `https`, lower-cased.
    let scheme: String
    /// The host as written (an IPv6 literal without brackets).
    let host: String
    /// The explicit port, else the scheme's default.
    let port: Int
    /// The path without the query string or fragment, for logs.
    let path: String

    /// `host:port` for messages.
    var endpoint: String { HTTPClientError.endpoint(host, port) }

    init(validating url: String) throws(HTTPClientError) {
        guard !url.isEmpty else { throw .invalidURL(reason: "the URL is empty") }
        guard let handle = curl_url() else { throw .libcurlUnavailable(reason: "curl_url() returned no handle (out of memory)") }
        defer { curl_url_cleanup(handle) }

        let parsed = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard parsed == CURLUE_OK else {
            throw .invalidURL(reason: "\(String(cString: curl_url_strerror(parsed))) (\(Self.redacted(url)))")
        }
        guard let scheme = Self.part(handle, CURLUPART_SCHEME)?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .invalidURL(reason: "only http and https are supported (\(Self.redacted(url)))")
        }
        guard var host = Self.part(handle, CURLUPART_HOST), !host.isEmpty else {
            throw .invalidURL(reason: "the URL has no host (\(Self.redacted(url)))")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let portText = Self.part(handle, CURLUPART_PORT, flags: kt_curlu_default_port()), let port = Int(portText) else {
            throw .invalidURL(reason: "the URL has no usable port (\(Self.redacted(url)))")
        }
        self.url = url
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = Self.part(handle, CURLUPART_PATH) ?? "/"
    }

    private static func part(_ handle: OpaquePointer, _ which: CURLUPart, flags: UInt32 = 0) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, which, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }

    /// The URL with its user information masked (`URLRedactor`), cut before its query string and fragment, short
    /// enough for a message: what a person needs to find the mistake, never a secret.
    static func redacted(_ url: String) -> String {
        // User information first (it may hold `?` or `#`), then the query and fragment after it.
        var text = Substring(URLRedactor.redact(url))
        let hostStart = text.lastIndex(of: "@") ?? text.startIndex
        if let cut = text[hostStart...].firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        // Spaces and control characters, a common cause of rejection, show up as U+FFFD.
        let printable = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map {
                    (0x21...0x7e).contains($0.value) || $0.value > 0x7f ? $0 : "\u{FFFD}"
                }))
        return printable.count > 120 ? "\"\(printable.prefix(120))...\"" : "\"\(printable)\""
    }
}

extension RequestTarget {
    /// `text` with every query string (from `?` to the next space or quote) replaced by `?…`, for
    /// libcurl's informational lines, which quote URLs when following a redirect.
    static func redactingQueries(in text: String) -> String {
        var result = ""
        var skipping = false
        for character in text {
            if skipping {
                if character.isWhitespace || character == "'" || character == "\"" {
                    skipping = false
                    result.append(character)
                }
            } else if character == "?" {
                skipping = true
                result += "?…"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
