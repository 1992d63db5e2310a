import Crypto
import Foundation

/// An OAuth 1.0a signer written for these tests alone, from RFC 5849, so the emulator's verifier
/// is checked against an implementation it shares no code with.
struct TestOAuth1Signer: Sendable {
    var consumerKey: String
    var consumerSecret: String
    var token: String
    var tokenSecret: String

    /// The `Authorization` header value for a request. `url` is absolute (query included);
    /// `form` holds the decoded pairs of a form-encoded body.
    func header(
        method: String, url: String, form: [(String, String)] = [], nonce: String = UUID().uuidString,
        timestamp: Int = Int(Date().timeIntervalSince1970)
    ) -> String {
        var oauth: [(String, String)] = [
            ("oauth_consumer_key", consumerKey),
            ("oauth_nonce", nonce),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", String(timestamp)),
            ("oauth_token", token),
            ("oauth_version", "1.0"),
        ]
        let signature = Self.signature(
            method: method, url: url, parameters: oauth + form,
            consumerSecret: consumerSecret, tokenSecret: tokenSecret)
        oauth.append(("oauth_signature", signature))
        return "OAuth " + oauth.map { "\(Self.encode($0.0))=\"\(Self.encode($0.1))\"" }.joined(separator: ", ")
    }

    static func signature(method: String, url: String, parameters: [(String, String)], consumerSecret: String, tokenSecret: String) -> String {
        var components = URLComponents(string: url)!
        let query = (components.percentEncodedQuery ?? "").split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding! }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
        components.query = nil
        components.fragment = nil
        let base = components.string!
        let all = (query + parameters).map { (encode($0.0), encode($0.1)) }.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        let parameterString = all.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let baseString = [method.uppercased(), encode(base), encode(parameterString)].joined(separator: "&")
        let key = SymmetricKey(data: Data("\(encode(consumerSecret))&\(encode(tokenSecret))".utf8))
        return Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data(baseString.utf8), using: key)).base64EncodedString()
    }

    static func encode(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved)!
    }
}
