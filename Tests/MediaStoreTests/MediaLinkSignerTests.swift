import Foundation
import Testing

@testable import MediaStore

@Suite struct MediaLinkSignerTests {
    static let secret = Data(repeating: 7, count: 32)
    let signer = MediaLinkSigner(secret: Self.secret, publicURL: "https://media.example.com/")
    let key = MediaKey("1234/1876543210987654321/3_99")!
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The query values of a link.
    static func parts(_ link: String) -> (path: String, expires: String?, signature: String?) {
        let components = URLComponents(string: link)!
        let items = components.queryItems ?? []
        return (components.path, items.first { $0.name == "expires" }?.value, items.first { $0.name == "signature" }?.value)
    }

    @Test func aLinkIsGoodUntilItExpires() {
        let link = signer.link(to: key, expires: now.addingTimeInterval(3600))
        #expect(link.hasPrefix("https://media.example.com/media/1234/1876543210987654321/3_99?expires=1800003600&signature="))
        let parts = Self.parts(link)
        #expect(signer.verify(key: key, expires: parts.expires, signature: parts.signature, now: now) == .valid)
        #expect(signer.verify(key: key, expires: parts.expires, signature: parts.signature, now: now.addingTimeInterval(3599)) == .valid)
        #expect(signer.verify(key: key, expires: parts.expires, signature: parts.signature, now: now.addingTimeInterval(3600)) == .expired)
    }

    @Test func aChangedKeyExpiryOrSignatureIsRefused() {
        let parts = Self.parts(signer.link(to: key, expires: now.addingTimeInterval(3600)))
        let signature = parts.signature!
        let flipped = String(signature.dropLast()) + (signature.last == "0" ? "1" : "0")
        #expect(signer.verify(key: MediaKey("1234/1876543210987654321/3_98")!, expires: parts.expires, signature: signature, now: now) == .badSignature)
        #expect(signer.verify(key: key, expires: "1900000000", signature: signature, now: now) == .badSignature)
        #expect(signer.verify(key: key, expires: parts.expires, signature: flipped, now: now) == .badSignature)
        #expect(signer.verify(key: key, expires: parts.expires, signature: signature.uppercased(), now: now) == .valid, "hex in either case")
        #expect(signer.verify(key: key, expires: parts.expires, signature: String(signature.prefix(62)), now: now) == .badSignature)
        #expect(signer.verify(key: key, expires: nil, signature: signature, now: now) == .badSignature)
        #expect(signer.verify(key: key, expires: parts.expires, signature: nil, now: now) == .badSignature)
        #expect(signer.verify(key: key, expires: parts.expires, signature: "zz" + signature.dropFirst(2), now: now) == .badSignature)
    }

    /// An expired link whose expiry was pushed forward is a bad signature, not a good link.
    @Test func anExpiredLinkCannotBeExtended() {
        let parts = Self.parts(signer.link(to: key, expires: now.addingTimeInterval(-1)))
        #expect(signer.verify(key: key, expires: parts.expires, signature: parts.signature, now: now) == .expired)
        #expect(signer.verify(key: key, expires: "1800003600", signature: parts.signature, now: now) == .badSignature)
    }

    @Test func anotherSecretsLinkIsRefused() {
        let other = MediaLinkSigner(secret: Data(repeating: 8, count: 32), publicURL: "https://media.example.com")
        let parts = Self.parts(other.link(to: key, expires: now.addingTimeInterval(3600)))
        #expect(signer.verify(key: key, expires: parts.expires, signature: parts.signature, now: now) == .badSignature)
    }
}
