/// Each intermediate value of one OAuth 1.0a signature (RFC 5849 §3.4), for the command-line
/// tester to show how a request was signed and for tests to check each step.
///
/// `description`, `debugDescription` and the mirror show only the method and URL: the other steps
/// hold the consumer key and access token, and the signature and header grant access for as long
/// as the timestamp is accepted. The fields themselves are there for whoever asks explicitly.
public struct OAuth1SignatureSteps: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Upper-case HTTP method.
    public var method: String
    /// Scheme and host lower-cased, default port dropped, path kept, query removed (§3.4.1.2).
    public var normalizedURL: String
    /// Every query, form and `oauth_*` parameter (except the signature) encoded and sorted (§3.4.1.3.2).
    public var parameterString: String
    /// `METHOD&encoded-url&encoded-parameters` (§3.4.1.1).
    public var baseString: String
    /// Base64 HMAC-SHA1 of the base string, keyed with the encoded secrets (§3.4.2).
    public var signature: String
    /// The complete `Authorization` header value: `OAuth oauth_consumer_key="...", ...`.
    public var authorizationHeader: String

    public var description: String {
        "OAuth1SignatureSteps(method: \(method), normalizedURL: \(normalizedURL), parameterString: ****, baseString: ****, signature: ****, authorizationHeader: ****)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "method": method, "normalizedURL": normalizedURL, "parameterString": "****", "baseString": "****", "signature": "****",
                "authorizationHeader": "****",
            ])
    }
}
