import AMQP
import Foundation
import KiamoTwitter
import Testing

/// The rules the workers and `kiamo-twitter` share for what they build from the configuration.
@Suite struct ConnectionFactoryTests {
    @Test func theTokenURLIsUnderTheBaseURLWhateverItsTrailingSlashes() throws {
        let configuration = try ConfigurationLoader(environment: ["KIAMO_TWITTER_API_BASE_URL": "https://x.example.test:8443//"]).load()
        #expect(ConnectionFactory(configuration).oauth2TokenURL == "https://x.example.test:8443/2/oauth2/token")
        #expect(
            ConnectionFactory(configuration).xAPIConfiguration(credentials: .oauth1(.init(consumerKey: "k", consumerSecret: "s", oauthToken: "t", oauthTokenSecret: "u"))).resolvedTokenURL
                == "https://x.example.test:8443/2/oauth2/token")
    }

    @Test func theRefreshLeaseOutlastsTwoCallsAndNeverGoesUnder30Seconds() throws {
        let short = try ConfigurationLoader(environment: ["KIAMO_TWITTER_API_TIMEOUT": "5s"]).load()
        #expect(ConnectionFactory(short).tokenRefreshLeaseTTL == .seconds(30))
        let long = try ConfigurationLoader(environment: ["KIAMO_TWITTER_API_TIMEOUT": "45s"]).load()
        #expect(ConnectionFactory(long).tokenRefreshLeaseTTL == .seconds(90))
    }

    @Test func theClientsNameTheServiceTheVersionAndTheRole() throws {
        let configuration = try ConfigurationLoader(environment: ["KIAMO_TWITTER_SERVICE": "acme-x", "KIAMO_TWITTER_API_TIMEOUT": "12s"]).load()
        let factory = ConnectionFactory(configuration)
        #expect(factory.userAgent == "acme-x/\(KiamoTwitter.version)")
        #expect(factory.httpClientConfiguration.userAgent == factory.userAgent)
        #expect(factory.httpClientConfiguration.timeout == .seconds(12))
        let amqp = try factory.amqpConfiguration(role: "cli")
        #expect(amqp.connectionName == "acme-x-cli@\(ProcessInfo.processInfo.hostName)")
        #expect(amqp.heartbeat == configuration.amqp.heartbeat)
    }
}
