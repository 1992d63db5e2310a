import Foundation
import Testing

@testable import KiamoTwitter

@Suite struct ConfigurationLoaderTests {
    private func withFile(_ text: String, _ body: (String) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try body(path)
    }

    private let oauth1Environment = [
        "KIAMO_TWITTER_USER_ID": "1234",
        "KIAMO_TWITTER_CONSUMER_KEY": "ck",
        "KIAMO_TWITTER_CONSUMER_SECRET": "cs-secret-value",
        "KIAMO_TWITTER_OAUTH_TOKEN": "tok",
        "KIAMO_TWITTER_OAUTH_TOKEN_SECRET": "ts-secret-value",
    ]

    @Test func defaultsApplyWithoutAFile() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load()
        #expect(configuration.service == "kiamo-twitter")
        #expect(configuration.api.baseURL == "https://api.x.com")
        #expect(configuration.api.version == .v2)
        #expect(configuration.ingest.pollInterval == .seconds(5))
        #expect(configuration.ingest.overlap == .seconds(120))
        #expect(configuration.dispatch.retryDelays == [.seconds(1), .seconds(10), .seconds(60), .seconds(600)])
        #expect(configuration.cache.checkEveryInSecs == 3600)
        #expect(configuration.accounts.isEmpty)
    }

    /// compose/secrets/amqp_url_*.example carry the placeholder password `change-me`: a worker
    /// started on it must say so at once, not retry an access refused for ever.
    @Test func thePlaceholderBrokerPasswordIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("amqp-url-\(UUID().uuidString)").path
        try "amqp://kiamo-ingest:change-me@rabbitmq:5672/\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        for environment in [
            ["KIAMO_TWITTER_AMQP_URL_FILE": path],
            ["KIAMO_TWITTER_AMQP_URL": "amqps://kiamo-ingest:change%2Dme@broker.example:5671/"],
            ["KIAMO_TWITTER_AMQP_URL": "amqp://kiamo-ingest:change-me@rmq1:5672,rmq2:5672,rmq3:5672/"],
        ] {
            #expect {
                try ConfigurationLoader(environment: environment).load()
            } throws: { error in
                guard let error = error as? ConfigurationError else { return false }
                return error.key == "amqp.url" && error.description.contains("placeholder") && !error.description.contains("kiamo-ingest:")
            }
        }
        let real = try ConfigurationLoader(environment: ["KIAMO_TWITTER_AMQP_URL": "amqp://kiamo-ingest:change-me-not@rabbitmq:5672/"]).load()
        #expect(real.amqp.url.reveal().hasSuffix("@rabbitmq:5672/"))
    }

    @Test func environmentAloneConfiguresAnAccount() throws {
        var environment = oauth1Environment
        environment["KIAMO_TWITTER_POLL_INTERVAL"] = "1.5"
        environment["KIAMO_TWITTER_HTTP_PORT"] = "9100"
        let configuration = try ConfigurationLoader(environment: environment).load()
        #expect(configuration.accounts.count == 1)
        #expect(configuration.accounts[0].userId == "1234")
        guard case .oauth1(let key, let secret, _, _) = configuration.accounts[0].credentials else {
            Issue.record("expected OAuth 1.0a credentials"); return
        }
        #expect(key.reveal() == "ck")
        #expect(secret.reveal() == "cs-secret-value")
        #expect(configuration.ingest.pollInterval == .milliseconds(1500))
        #expect(configuration.http.port == 9100)
    }

    @Test func fileValuesAreReadAndEnvironmentWins() throws {
        try withFile(
            """
            service: my-twitter
            ingest:
              pollInterval: 30s
              senderNameTemplate: "{username}"
            dispatch:
              retryDelays: [2s, 1m]
            accounts:
              - userId: 42
                clientId: the-client
                refreshToken: "rt"
            """
        ) { path in
            let configuration = try ConfigurationLoader(environment: ["KIAMO_TWITTER_POLL_INTERVAL": "7s"]).load(file: path)
            #expect(configuration.service == "my-twitter")
            #expect(configuration.ingest.pollInterval == .seconds(7))
            #expect(configuration.ingest.senderNameTemplate == "{username}")
            #expect(configuration.dispatch.retryDelays == [.seconds(2), .seconds(60)])
            #expect(configuration.accounts.first?.userId == "42")
            guard case .oauth2(let client, nil, let refresh)? = configuration.accounts.first?.credentials else {
                Issue.record("expected a public OAuth 2.0 client"); return
            }
            #expect(client.reveal() == "the-client")
            #expect(refresh?.reveal() == "rt")
        }
    }

    @Test func jsonFilesAreAccepted() throws {
        try withFile(#"{"amqp": {"exchange": "x.y"}, "cache": {"enabled": false}}"#) { path in
            let configuration = try ConfigurationLoader(environment: [:]).load(file: path)
            #expect(configuration.amqp.exchange == "x.y")
            #expect(configuration.cache.enabled == false)
        }
    }

    @Test func unknownKeyNamesTheKeyTheLineAndASuggestion() throws {
        try withFile(
            """
            dispatch:
              maxAtempts: 3
            """
        ) { path in
            let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: path) }
            #expect(error?.key == "dispatch.maxAtempts")
            #expect(error?.origin == "\(path):2")
            #expect(error?.description.contains("did you mean 'dispatch.maxAttempts'") == true)
        }
    }

    @Test func wrongTypeNamesTheKeyAndTheExpectedType() throws {
        try withFile("dispatch:\n  maxAttempts: many\n") { path in
            let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: path) }
            #expect(error?.key == "dispatch.maxAttempts")
            #expect(error?.problem.contains("expected an integer") == true)
        }
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader(environment: ["KIAMO_TWITTER_POLL_INTERVAL": "soon"]).load()
        }
        #expect(error?.origin == "KIAMO_TWITTER_POLL_INTERVAL")
    }

    @Test func outOfRangeAndBadChoicesAreRefused() throws {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: ["KIAMO_TWITTER_HTTP_PORT": "70000"]).load() }
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: ["KIAMO_TWITTER_API_VERSION": "3"]).load() }
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: ["KIAMO_TWITTER_BACKFILL": "31d"]).load() }
    }

    @Test func brokenYAMLIsOneClearError() throws {
        try withFile("service: [unclosed\n") { path in
            let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: path) }
            #expect(error?.problem.hasPrefix("not valid YAML or JSON") == true)
        }
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: [:]).load(file: "/nonexistent/kiamo.yaml") }
        #expect(error?.key == "/nonexistent/kiamo.yaml")
    }

    @Test func secretsComeFromFilesAndNeverFromDescriptions() throws {
        let secretPath = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
        try "from-a-file\n".write(toFile: secretPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: secretPath) }
        var environment = oauth1Environment
        environment["KIAMO_TWITTER_CONSUMER_SECRET"] = nil
        environment["KIAMO_TWITTER_CONSUMER_SECRET_FILE"] = secretPath
        let configuration = try ConfigurationLoader(environment: environment).load()
        guard case .oauth1(_, let secret, _, let tokenSecret) = configuration.accounts[0].credentials else {
            Issue.record("expected OAuth 1.0a"); return
        }
        #expect(secret.reveal() == "from-a-file")
        let printed = "\(configuration) \(String(reflecting: configuration)) \(configuration.accounts)"
        #expect(!printed.contains("from-a-file"))
        #expect(!printed.contains(tokenSecret.reveal()))
        #expect(!printed.contains("guest:guest"))
    }

    @Test func bothAVariableAndItsFileIsAmbiguous() throws {
        var environment = oauth1Environment
        environment["KIAMO_TWITTER_CONSUMER_SECRET_FILE"] = "/dev/null"
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: environment).load() }
    }

    @Test func incompleteCredentialsNameWhatIsMissing() throws {
        var environment = oauth1Environment
        environment["KIAMO_TWITTER_OAUTH_TOKEN_SECRET"] = nil
        let error = #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: environment).load() }
        #expect(error?.key == "accounts[0].oauthTokenSecret")

        let none = #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: ["KIAMO_TWITTER_USER_ID": "1"]).load() }
        #expect(none?.problem.contains("no credentials") == true)

        var both = oauth1Environment
        both["KIAMO_TWITTER_CLIENT_ID"] = "client"
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: both).load() }

        var badId = oauth1Environment
        badId["KIAMO_TWITTER_USER_ID"] = "@jane"
        let idError = #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: badId).load() }
        #expect(idError?.key == "accounts[0].userId")
    }

    @Test func legacyDialectNeedsOAuth1() throws {
        let environment = ["KIAMO_TWITTER_USER_ID": "1", "KIAMO_TWITTER_CLIENT_ID": "c", "KIAMO_TWITTER_API_VERSION": "1.1"]
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(environment: environment).load() }
    }

    @Test func unknownVariablesAreReported() {
        let loader = ConfigurationLoader(environment: ["KIAMO_TWITTER_POLL_INTERVALL": "5", "KIAMO_TWITTER_CONSUMER_SECRET_FILE": "/x", "HOME": "/root"])
        #expect(loader.unknownVariables() == ["KIAMO_TWITTER_POLL_INTERVALL"])
    }

    @Test func everyKeyHasADefaultOrIsAnAccountKeyAndEveryDefaultParses() throws {
        for key in ConfigurationKey.all where !key.isAccountKey {
            #expect(key.defaultValue != nil, "\(key.path) has no default")
        }
        let paths = ConfigurationKey.all.map(\.path)
        #expect(Set(paths).count == paths.count)
        let variables = ConfigurationKey.all.compactMap(\.environment)
        #expect(Set(variables).count == variables.count)
    }

    @Test func durationsParseAndFormat() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("1.5") == .milliseconds(1500))
        #expect(DurationText.parse("30d") == .seconds(2_592_000))
        #expect(DurationText.parse("-1s") == nil)
        #expect(DurationText.parse("s") == nil)
        #expect(DurationText.format(.seconds(600)) == "10m")
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
    }
}
