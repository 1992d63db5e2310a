import Crypto
import Foundation

/// X's webhook signatures: `sha256=` + base64 of HMAC-SHA256 keyed by the app's consumer secret,
/// over a CRC token (the `response_token` a webhook must answer) or a delivery's exact body
/// (the `x-twitter-webhooks-signature` header).
enum WebhookSignature {
    static func sign(_ bytes: some DataProtocol, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Data(mac).base64EncodedString()
    }

    static func sign(_ text: String, secret: String) -> String {
        sign(Data(text.utf8), secret: secret)
    }
}
