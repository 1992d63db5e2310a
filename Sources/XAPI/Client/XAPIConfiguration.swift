import Foundation

/// Everything an `XAPIClient` needs: where X is, which dialect, which credentials, and limits.
///
/// Printing, interpolating or `dump`ing a configuration never shows a secret: the credentials
/// mask theirs.
public struct XAPIConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Scheme, host and optional port (and path prefix) of the API, without a trailing slash;
    /// `https://api.x.com` by default, the emulator's address in tests.
    public var baseURL: String
    /// `.v2` by default; `.v1_1` requires OAuth 1.0a credentials.
    public var apiVersion: XAPIVersion
    /// OAuth 1.0a or OAuth 2.0; masked when printed.
    public var credentials: XCredentials
    /// Time allowed for one whole HTTP exchange.
    public var timeout: Duration
    /// Time allowed to connect (TCP and TLS).
    public var connectTimeout: Duration
    /// `User-Agent` sent with every request.
    public var userAgent: String
    /// An OAuth 2.0 access token is refreshed before a call when it expires within this margin.
    public var refreshMargin: Duration
    /// The OAuth 2.0 token endpoint; `nil` means `baseURL` + `/2/oauth2/token`.
    public var tokenURL: String?
    /// Where X serves DM media to OAuth 1.0a (`https://ton.twitter.com/1.1/ton/data/dm/...`);
    /// `nil`: `resolvedMediaBaseURL`.
    public var mediaBaseURL: String?

    /// A configuration with X's defaults: API v2 at `https://api.x.com`, 30 s per call.
    public init(
        baseURL: String = XAPI.defaultBaseURL,
        apiVersion: XAPIVersion = .v2,
        credentials: XCredentials,
        timeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10),
        userAgent: String = "kiamo-twitter",
        refreshMargin: Duration = .seconds(120),
        tokenURL: String? = nil,
        mediaBaseURL: String? = nil
    ) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.credentials = credentials
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.userAgent = userAgent
        self.refreshMargin = refreshMargin
        self.tokenURL = tokenURL
        self.mediaBaseURL = mediaBaseURL
    }

    /// `baseURL` without trailing slashes, ready to have `/2/...` appended.
    var trimmedBaseURL: String {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// X's media host for OAuth 1.0a when `baseURL` is X's own API (`api.x.com`,
    /// `api.twitter.com`); otherwise `baseURL` itself: an emulator, or a gateway in front of X,
    /// serves both.
    public var resolvedMediaBaseURL: String {
        if let mediaBaseURL { return mediaBaseURL }
        let host = URLComponents(string: trimmedBaseURL)?.host?.lowercased()
        return host == "api.x.com" || host == "api.twitter.com" ? XAPI.defaultMediaBaseURL : trimmedBaseURL
    }

    /// The token endpoint actually used.
    public var resolvedTokenURL: String { tokenURL ?? trimmedBaseURL + "/2/oauth2/token" }

    public var description: String {
        "XAPIConfiguration(baseURL: \(baseURL), apiVersion: \(apiVersion), credentials: \(credentials), "
            + "timeout: \(timeout), connectTimeout: \(connectTimeout), userAgent: \(userAgent), refreshMargin: \(refreshMargin))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "baseURL": baseURL, "apiVersion": apiVersion, "credentials": credentials, "timeout": timeout,
                "connectTimeout": connectTimeout, "userAgent": userAgent, "refreshMargin": refreshMargin,
                "tokenURL": tokenURL as Any,
            ])
    }
}
