import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636), as the authorization-code grant checks it.
enum PKCE {
    /// Whether `verifier` answers `challenge` under `method` (`S256` or `plain`, as X accepts).
    /// A verifier must be 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
    static func verify(verifier: String, challenge: String, method: String) -> Bool {
        guard (43...128).contains(verifier.utf8.count),
            verifier.utf8.allSatisfy(PercentEncoding.isUnreserved)
        else { return false }
        switch method {
        case "S256": return OAuth1Signature.constantTimeEquals(s256(verifier), challenge)
        case "plain": return OAuth1Signature.constantTimeEquals(verifier, challenge)
        default: return false
        }
    }

    /// `BASE64URL(SHA256(verifier))` without padding.
    static func s256(_ verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
