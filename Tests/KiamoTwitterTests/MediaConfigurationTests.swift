import Foundation
import Testing

@testable import KiamoTwitter

/// `media.*`: off by default, and every setting a media store needs checked at start.
@Suite struct MediaConfigurationTests {
    static let secret = String(repeating: "k", count: 32)
    static let on = [
        "KIAMO_TWITTER_MEDIA_FOLDER": "/var/lib/kiamo-twitter/media",
        "KIAMO_TWITTER_MEDIA_PUBLIC_URL": "https://media.example.com/",
        "KIAMO_TWITTER_MEDIA_LINK_SECRET": secret,
    ]

    @Test func mediaAreOffUnlessAFolderIsSet() throws {
        #expect(try ConfigurationLoader(environment: [:]).load().media == nil)
        #expect(try ConfigurationLoader(environment: ["KIAMO_TWITTER_MEDIA_FOLDER": "  "]).load().media == nil)
    }

    @Test func aFolderWithItsAddressAndSecretTurnsThemOn() throws {
        var environment = Self.on
        environment["KIAMO_TWITTER_MEDIA_LINK_LIFETIME"] = "2d"
        environment["KIAMO_TWITTER_MEDIA_MAX_BYTES"] = "5000000"
        let media = try #require(try ConfigurationLoader(environment: environment).load().media)
        #expect(media.folder == "/var/lib/kiamo-twitter/media")
        #expect(media.publicURL == "https://media.example.com/")
        #expect(media.linkSecret.reveal() == Self.secret)
        #expect(media.linkLifetime == .seconds(2 * 86_400))
        #expect(media.maxBytes == 5_000_000)
        #expect(media.fetchTimeout == .seconds(20))
        #expect(media.retention == .seconds(30 * 86_400))
        #expect(media.textTemplate == "[{kind}] {url}")
        #expect(media.port == 8090)
    }

    @Test(arguments: [
        ("KIAMO_TWITTER_MEDIA_PUBLIC_URL", "", "media.publicUrl"),
        ("KIAMO_TWITTER_MEDIA_PUBLIC_URL", "media.example.com", "media.publicUrl"),
        ("KIAMO_TWITTER_MEDIA_PUBLIC_URL", "https://media.example.com/?a=b", "media.publicUrl"),
        ("KIAMO_TWITTER_MEDIA_LINK_SECRET", "", "media.linkSecret"),
        ("KIAMO_TWITTER_MEDIA_LINK_SECRET", "short-secret", "media.linkSecret"),
        ("KIAMO_TWITTER_MEDIA_TEXT_TEMPLATE", "[{kind}]", "media.textTemplate"),
    ])
    func aMediaStoreThatCouldNotWorkIsRefusedAtStart(_ variable: String, _ value: String, _ key: String) throws {
        var environment = Self.on
        environment[variable] = value
        #expect {
            try ConfigurationLoader(environment: environment).load()
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            // The secret never appears in the message, short or not.
            return error.key == key && (value.isEmpty || key != "media.linkSecret" || !error.description.contains(value))
        }
    }
}
