import Crypto
import Foundation

/// X's webhook authentication, both ways keyed by the app's consumer (API key) secret: the
/// challenge-response check (CRC) X sends to prove the receiver holds the secret, and the
/// signature X puts on every delivery to prove the sender does.
///
/// - CRC: X calls `GET <url>?crc_token=T`; the answer is `{"response_token": "sha256=" +
///   base64(HMAC-SHA256(consumer secret, T))}`.
/// - Deliveries carry `x-twitter-webhooks-signature: sha256=` + base64(HMAC-SHA256(consumer
///   secret, body)), computed over the body's exact bytes.
public struct WebhookSignature: Sendable, CustomStringConvertible, CustomReflectable {
    /// The header X signs deliveries with.
    public static let headerName = "x-twitter-webhooks-signature"

    /// The secret's bytes (`SymmetricKey` is not `Sendable`; one is made per use).
    private let secret: Data

    /// - Parameter consumerSecret: the app's API key secret (the developer portal's "API Key Secret").
    public init(consumerSecret: String) {
        secret = Data(consumerSecret.utf8)
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    public var description: String { "WebhookSignature(consumerSecret: ****)" }
    public var customMirror: Mirror { Mirror(self, children: ["consumerSecret": "****"]) }

    /// The `response_token` that answers the CRC `crcToken`.
    public func responseToken(crcToken: String) -> String {
        "sha256=" + Data(HMAC<SHA256>.authenticationCode(for: Data(crcToken.utf8), using: key)).base64EncodedString()
    }

    /// The signature header value X sends with `body`.
    public func signature(of body: some DataProtocol) -> String {
        "sha256=" + Data(HMAC<SHA256>.authenticationCode(for: body, using: key)).base64EncodedString()
    }

    /// Whether `header` is X's signature of `body`. The comparison of the MACs takes the same time
    /// whatever the bytes (swift-crypto's `isValidAuthenticationCode`), so a forger learns nothing
    /// from how long a refusal takes.
    public func verify(header: String?, body: some DataProtocol) -> WebhookSignatureCheck {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return .missing }
        guard header.hasPrefix("sha256="), let mac = Data(base64Encoded: String(header.dropFirst("sha256=".count))), mac.count == SHA256.byteCount
        else { return .malformed }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key) ? .valid : .mismatch
    }
}

/// What checking a delivery's signature found; each refusal has a metric label of its own.
public enum WebhookSignatureCheck: String, Sendable, Equatable {
    case valid
    /// No `x-twitter-webhooks-signature` header.
    case missing
    /// Not `sha256=` and 32 bytes of base64.
    case malformed
    /// Well formed, but not the app's signature of this body (forged, or another app's secret).
    case mismatch
}
