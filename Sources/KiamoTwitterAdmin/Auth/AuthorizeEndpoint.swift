import Foundation
import KiamoTwitter
import XAPI

/// Where `auth login` sends a person to consent, by a documented rule: X's
/// `https://x.com/i/oauth2/authorize` when `api.baseUrl` is X's (`api.x.com`, `api.twitter.com`),
/// otherwise `<api.baseUrl>/i/oauth2/authorize` (the emulator serves it there); `--authorize-url`
/// overrides both.
public enum AuthorizeEndpoint {
    /// The hosts of X's production API.
    public static let xHosts: Set<String> = ["api.x.com", "api.twitter.com"]

    /// True when `baseURL` is X's production API rather than an emulator.
    public static func isX(_ baseURL: String) -> Bool {
        URLComponents(string: baseURL)?.host.map { xHosts.contains($0.lowercased()) } ?? false
    }

    /// The authorize endpoint for `baseURL`, or `override` when given.
    public static func url(baseURL: String, override: String?) -> String {
        if let override { return override }
        if isX(baseURL) { return XAPI.defaultAuthorizeURL }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/i/oauth2/authorize"
    }
}
