import KiamoTwitter
import XAPI

extension AdminSession {
    /// The app's client for X's pushes (app-only bearer token from the app's consumer key and
    /// secret): webhooks, replays and the app's subscriptions.
    public func pushClient() throws -> XPushClient {
        let keys = try appKeys()
        return try XPushClient(
            baseURL: configuration.api.baseURL, consumerKey: keys.key.reveal(), consumerSecret: keys.secret.reveal(), transport: try httpClient(),
            timeout: configuration.api.timeout, connectTimeout: configuration.api.connectTimeout, logger: logger)
    }

    /// The app's consumer key and secret (`api.consumerKey`, or the first OAuth 1.0a account's),
    /// or the configuration error naming the keys to set.
    public nonisolated func appKeys() throws -> (key: Secret, secret: Secret) {
        guard let keys = configuration.appConsumerKeys else {
            throw AdminError.configuration(
                "the app's consumer key and secret are not configured: set api.consumerKey and api.consumerSecret "
                    + "(KIAMO_TWITTER_APP_CONSUMER_KEY, KIAMO_TWITTER_APP_CONSUMER_SECRET), or configure an OAuth 1.0a account")
        }
        return keys
    }

    /// The accounts a push command acts for: the one `--account` names, else every configured one
    /// (subscribing is done account by account, each with its own consent).
    public func pushAccounts(_ requested: String?) throws -> [AccountConfiguration] {
        if requested != nil { return [try account(requested)] }
        guard !configuration.accounts.isEmpty else { return [try account(nil)] }
        return configuration.accounts
    }

    /// The account's user-context client: X ties a user's subscriptions to the user's own consent.
    public func userClient(for account: AccountConfiguration) async throws -> XAPIClient {
        guard let client = try await client(for: account).base as? XAPIClient else {
            throw AdminError.failed("account \(account.userId): its X client cannot manage subscriptions")
        }
        return client
    }
}
