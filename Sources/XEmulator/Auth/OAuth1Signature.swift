import Crypto
import Foundation

/// HMAC-SHA1 signatures of RFC 5849, computed the way X checks them.
enum OAuth1Signature {
    /// The signature base string: `METHOD&encode(base URI)&encode(sorted, encoded parameters)`.
    ///
    /// `parameters` are decoded name/value pairs: every query parameter, every form-body parameter
    /// and the `oauth_*` ones except `oauth_signature`. They are encoded, then sorted by name and
    /// value (byte order), then joined (RFC 5849 §3.4.1.3.2).
    static func baseString(method: String, baseURI: String, parameters: [(String, String)]) -> String {
        let normalized =
            parameters
            .map { (PercentEncoding.encode($0.0), PercentEncoding.encode($0.1)) }
            .sorted { $0.0 == $1.0 ? Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8)) : Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
        return "\(method.uppercased())&\(PercentEncoding.encode(baseURI))&\(PercentEncoding.encode(normalized))"
    }

    /// `scheme://host[:port]/path` with the host lowercased and the scheme's default port dropped
    /// (RFC 5849 §3.4.1.2), from the `Host` the client addressed.
    static func baseURI(scheme: String, authority: String, path: String) -> String {
        var host = authority.lowercased()
        let scheme = scheme.lowercased()
        if scheme == "http", host.hasSuffix(":80") { host.removeLast(3) }
        if scheme == "https", host.hasSuffix(":443") { host.removeLast(4) }
        return "\(scheme)://\(host)\(path)"
    }

    /// Base64 of HMAC-SHA1 over the base string, keyed `encode(consumerSecret)&encode(tokenSecret)`.
    static func sign(baseString: String, consumerSecret: String, tokenSecret: String) -> String {
        let key = SymmetricKey(data: Data("\(PercentEncoding.encode(consumerSecret))&\(PercentEncoding.encode(tokenSecret))".utf8))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(baseString.utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    /// Compares two signatures in time independent of where they differ.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
