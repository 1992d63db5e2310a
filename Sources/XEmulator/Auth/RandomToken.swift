import Foundation

/// Unguessable tokens (access and refresh tokens, authorization codes): random bytes from the
/// system generator, base64url without padding.
enum RandomToken {
    static func make(bytes count: Int = 36) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
