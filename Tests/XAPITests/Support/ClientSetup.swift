import Testing

/// The dialect and authentication combinations the client is tested with against the emulator.
enum ClientSetup: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case v2OAuth1 = "v2, OAuth 1.0a"
    case v2OAuth2Public = "v2, OAuth 2.0 public client"
    case v2OAuth2Confidential = "v2, OAuth 2.0 confidential client"
    case v1OAuth1 = "v1.1, OAuth 1.0a"

    var testDescription: String { rawValue }

    var isV1: Bool { self == .v1OAuth1 }
    var usesOAuth2: Bool { self == .v2OAuth2Public || self == .v2OAuth2Confidential }
    /// The confidential client's secret, known to the emulator and the client alike.
    var clientSecret: String? { self == .v2OAuth2Confidential ? "test-client-secret" : nil }
}
