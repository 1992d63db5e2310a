/// OAuth 1.0a user-context credentials: the application's consumer key pair and the user's
/// access token pair.
///
/// Every field is masked (`****`) in `description`, `debugDescription` and the reflected mirror,
/// so printing, interpolating or `dump`ing a value never shows a key or a secret.
public struct OAuth1Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The application's API key.
    public var consumerKey: String
    /// The application's API key secret.
    public var consumerSecret: String
    /// The user's access token (`<user id>-<random>`).
    public var oauthToken: String
    /// The user's access token secret.
    public var oauthTokenSecret: String

    /// Credentials as the developer portal shows them.
    public init(consumerKey: String, consumerSecret: String, oauthToken: String, oauthTokenSecret: String) {
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.oauthToken = oauthToken
        self.oauthTokenSecret = oauthTokenSecret
    }

    public var description: String {
        "OAuth1Credentials(consumerKey: ****, consumerSecret: ****, oauthToken: ****, oauthTokenSecret: ****)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["consumerKey": "****", "consumerSecret": "****", "oauthToken": "****", "oauthTokenSecret": "****"])
    }
}
