import KiamoTwitter

/// The numbered tests of `kiamo-twitter test --test=NN`, after the original's Command Line Tester
/// (`php <Connector>.php -f --test=NN`): 00 to 03 are the original's, the others ours. Each
/// prints what it did and ends with `OK` or `FAILED: <reason>`.
public struct NumberedTest: Sendable, Hashable, Encodable {
    /// Two digits, as `--test=NN` takes it.
    public var number: String
    /// A few words.
    public var name: String
    /// What it does and shows.
    public var purpose: String

    /// Every test, in order.
    public static let all: [NumberedTest] = [
        NumberedTest(number: "00", name: "void run", purpose: "load the configuration and print it, secrets masked; nothing is called"),
        NumberedTest(number: "01", name: "user data", purpose: "users/me, then the account's user record (the original's buildUserRecord)"),
        NumberedTest(number: "02", name: "read messages", purpose: "the newest page: raw events and their Kiamo messages; no cursor moved"),
        NumberedTest(number: "03", name: "send a message", purpose: "send --text to --to directly through X (not the queue); prints the DM event id"),
        NumberedTest(number: "04", name: "token", purpose: "OAuth 2.0: a valid token and its expiry; OAuth 1.0a: a signed users/me"),
        NumberedTest(number: "05", name: "broker", purpose: "connect to RabbitMQ; every queue of the topology present, with its depth and consumers"),
        NumberedTest(number: "06", name: "state store", purpose: "open the state store; cursor, token and cache of each account"),
        NumberedTest(number: "07", name: "end to end", purpose: "a DM in, its Kiamo message out, a reply sent and reported (as `e2e`; needs both workers)"),
        NumberedTest(number: "08", name: "mapping", purpose: "map a built-in API v2 page to Kiamo messages (pure; shows buildMessageRecord)"),
        NumberedTest(number: "09", name: "request build", purpose: "the signed users/me request, secrets masked, not sent (as `request me`)"),
        NumberedTest(
            number: "10", name: "webhook",
            purpose: "the webhook at ingest.webhook.url, registered if X lacks it, then checked by X now (CRC): OK when X says valid"),
        NumberedTest(
            number: "11", name: "activity stream",
            purpose: "open GET /2/activity/stream with the app's token: OK on the 200 and a keep-alive or event (--timeout)"),
    ]

    /// The test numbered `number` (`7` and `07` alike), or nil.
    public static func named(_ number: String) -> NumberedTest? {
        guard let value = Int(number), value >= 0 else { return nil }
        let padded = value < 10 ? "0\(value)" : "\(value)"
        return all.first { $0.number == padded }
    }
}
