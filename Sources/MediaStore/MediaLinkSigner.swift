import Crypto
import Foundation

/// Signs and checks the links agents open: `{publicURL}/media/{key}?expires={unix seconds}&signature={hex}`,
/// the signature an HMAC-SHA256 with the link secret over the key and the expiry. A link works
/// until it expires, for whoever holds it (a bearer link, as a bucket's signed URL); changing the
/// key, the expiry or the signature makes it fail.
public struct MediaLinkSigner: Sendable {
    /// Why a link was refused, or that it is good.
    public enum Verdict: Equatable, Sendable {
        case valid
        case expired
        case badSignature
    }

    /// The secret's bytes (`SymmetricKey` is not `Sendable`; one is made for each use).
    private let secret: Data
    /// Where agents reach the media service, without a trailing `/` (`https://media.example.com`).
    public let publicURL: String

    /// A signer with `secret` (at least 32 bytes: the configuration refuses a shorter one).
    public init(secret: some DataProtocol, publicURL: String) {
        self.secret = Data(secret)
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
    }

    /// The link to `key`, good until `expires` (rounded down to the second).
    public func link(to key: MediaKey, expires: Date) -> String {
        let seconds = Int64(expires.timeIntervalSince1970.rounded(.down))
        return "\(publicURL)/media/\(key)?expires=\(seconds)&signature=\(signature(key, seconds))"
    }

    /// Whether the parts of a link (its key, its `expires` and `signature` query values) are
    /// good at `now`. The signature is compared in constant time.
    public func verify(key: MediaKey, expires: String?, signature: String?, now: Date) -> Verdict {
        guard let expires, let seconds = Int64(expires), let signature, let given = Self.bytes(hex: signature) else { return .badSignature }
        guard HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Self.message(key, seconds), using: SymmetricKey(data: secret)) else { return .badSignature }
        return Double(seconds) > now.timeIntervalSince1970 ? .valid : .expired
    }

    private func signature(_ key: MediaKey, _ seconds: Int64) -> String {
        HMAC<SHA256>.authenticationCode(for: Self.message(key, seconds), using: SymmetricKey(data: secret)).map { String(format: "%02x", $0) }.joined()
    }

    /// What is signed: the key and the expiry, with a separator neither can contain.
    private static func message(_ key: MediaKey, _ seconds: Int64) -> Data {
        Data("kiamo-media-v1\n\(key)\n\(seconds)".utf8)
    }

    private static func bytes(hex: String) -> Data? {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes = Data(capacity: 32)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
