import Foundation
import Testing

@testable import KiamoTwitter

/// `ingest.mode` and what the push modes need from the rest of the configuration.
@Suite struct PushConfigurationTests {
    private let oauth1 = [
        "KIAMO_TWITTER_USER_ID": "1234", "KIAMO_TWITTER_CONSUMER_KEY": "ck", "KIAMO_TWITTER_CONSUMER_SECRET": "cs-secret-value",
        "KIAMO_TWITTER_OAUTH_TOKEN": "tok", "KIAMO_TWITTER_OAUTH_TOKEN_SECRET": "ts-secret-value",
    ]
    private let oauth2 = ["KIAMO_TWITTER_USER_ID": "1234", "KIAMO_TWITTER_CLIENT_ID": "client", "KIAMO_TWITTER_REFRESH_TOKEN": "rt"]

    private func load(_ environment: [String: String]) throws -> Configuration {
        try ConfigurationLoader(environment: environment).load()
    }

    private func refusal(_ environment: [String: String]) -> ConfigurationError? {
        do {
            _ = try load(environment)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func pollIsTheDefaultAndNothingElseChanges() throws {
        let configuration = try load(oauth1)
        #expect(configuration.ingest.mode == .poll)
        #expect(IngestEngine.Settings(configuration).pollInterval == .seconds(5))
        #expect(IngestEngine.Settings(configuration).mode == .poll)
    }

    @Test func aPushModePollsAtTheReconcileIntervalWithTheAccountsConsumerKeys() throws {
        let configuration = try load(oauth1.merging(["KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_RECONCILE_INTERVAL": "90s"]) { $1 })
        #expect(configuration.ingest.mode == .webhook)
        #expect(IngestEngine.Settings(configuration).pollInterval == .seconds(90))
        #expect(configuration.appConsumerKeys?.secret.reveal() == "cs-secret-value")
        #expect(configuration.ingest.webhook.port == 8088)
        #expect(configuration.ingest.webhook.path == "/webhooks/x")
        #expect(configuration.ingest.webhook.url == nil)
    }

    @Test func oauth2AccountsNeedTheAppsKeysForAPushMode() throws {
        let error = refusal(oauth2.merging(["KIAMO_TWITTER_INGEST_MODE": "stream"]) { $1 })
        #expect(error?.key == "api.consumerSecret")
        #expect(error?.description.contains("KIAMO_TWITTER_APP_CONSUMER_SECRET") == true)
        let configuration = try load(
            oauth2.merging(["KIAMO_TWITTER_INGEST_MODE": "stream", "KIAMO_TWITTER_APP_CONSUMER_KEY": "app-key", "KIAMO_TWITTER_APP_CONSUMER_SECRET": "app-secret"]) {
                $1
            })
        #expect(configuration.appConsumerKeys?.key.reveal() == "app-key")
        #expect(!"\(configuration.api)".contains("app-secret"))
    }

    @Test func pushModesAreRefusedWithAPIv1() {
        #expect(refusal(oauth1.merging(["KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_API_VERSION": "1.1"]) { $1 })?.key == "ingest.mode")
    }

    @Test(arguments: [
        "http://kiamo.example.com/webhooks/x", "https://kiamo.example.com:8443/webhooks/x", "https://kiamo.example.com/webhooks/x?a=1", "not a url",
    ])
    func aWebhookURLXWouldRefuseIsRefusedAtStart(_ url: String) {
        let error = refusal(oauth1.merging(["KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_WEBHOOK_URL": url]) { $1 })
        #expect(error?.key == "ingest.webhook.url")
    }

    @Test func anHttpsURLAndALoopbackEmulatorAreAccepted() throws {
        for url in ["https://kiamo.example.com/webhooks/x", "http://127.0.0.1:8088/webhooks/x"] {
            #expect(try load(oauth1.merging(["KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_WEBHOOK_URL": url]) { $1 }).ingest.webhook.url == url)
        }
    }

    @Test func aReconcileIntervalOutsideASecondToAnHourAndAPathThatIsNotOneAreRefused() {
        #expect(refusal(oauth1.merging(["KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_RECONCILE_INTERVAL": "2h"]) { $1 })?.key == "ingest.reconcileInterval")
        #expect(refusal(oauth1.merging(["KIAMO_TWITTER_INGEST_MODE": "webhook", "KIAMO_TWITTER_WEBHOOK_PATH": "webhooks"]) { $1 })?.key == "ingest.webhook.path")
    }
}
