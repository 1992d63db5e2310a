import Crypto
import Foundation

/// A PKCE pair (RFC 7636) for the authorization-code flow: the verifier stays with the client,
/// the S256 challenge goes in the authorize URL.
///
/// `description` masks the verifier: whoever holds it and the code can obtain the tokens.
public struct PKCE: Sendable, Hashable, CustomStringConvertible {
    /// 43 to 128 characters of the unreserved set.
    public let verifier: String
    /// `base64url(SHA-256(verifier))`, unpadded.
    public let challenge: String
    /// Always `S256`: X accepts `plain` too, but it protects nothing.
    public let method = "S256"

    /// A pair from a given verifier; throws `XAPIError.invalidArgument` if it is not 43 to 128
    /// unreserved characters.
    public init(verifier: String) throws {
        let allowed = verifier.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || "-._~".utf8.contains($0)
        }
        guard (43...128).contains(verifier.utf8.count), allowed else {
            throw XAPIError.invalidArgument(operation: .exchangeCode, argument: "code_verifier", reason: "must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
        }
        self.verifier = verifier
        self.challenge = Self.challenge(for: verifier)
    }

    /// A fresh pair: 32 random bytes, base64url-encoded (43 characters).
    public static func generate() -> PKCE {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let verifier = base64URL(Data(bytes))
        return PKCE(checkedVerifier: verifier)
    }

    /// The S256 challenge of `verifier`.
    public static func challenge(for verifier: String) -> String {
        base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// Unpadded base64url (RFC 4648 §5).
    static func base64URL(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    private init(checkedVerifier: String) {
        verifier = checkedVerifier
        challenge = Self.challenge(for: checkedVerifier)
    }

    public var description: String { "PKCE(verifier: ****, challenge: \(challenge), method: S256)" }
}
