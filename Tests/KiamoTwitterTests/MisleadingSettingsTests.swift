import Foundation
import Testing
import XAPI

@testable import KiamoTwitter

/// Settings that used to be accepted and then did something else than they said: a sender name
/// expanded twice, plain http to a remote X, a service name that escapes its folder.
@Suite struct MisleadingSettingsTests {
    private let account = ["KIAMO_TWITTER_USER_ID": "1234", "KIAMO_TWITTER_CLIENT_ID": "client"]

    private func load(_ extra: [String: String]) throws -> Configuration {
        try ConfigurationLoader(environment: account.merging(extra) { $1 }).load()
    }

    private func problem(_ extra: [String: String]) -> ConfigurationError? {
        do {
            _ = try load(extra)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("untyped \(error)")
            return nil
        }
    }

    @Test func theSenderNameTemplateIsReplacedInOnePass() {
        let mapper = KiamoMessageMapper(accountId: "1", senderNameTemplate: "{name}@{username} ({id}) {other}")
        let user = XUser(id: "42", name: "Eve {username} {id} {name}", username: "eve")
        #expect(mapper.buildUserRecord(user) == "Eve {username} {id} {name}@eve (42) {other}")
        #expect(KiamoMessageMapper(accountId: "1").buildUserRecord(XUser(id: "7", name: "Jane {", username: "j{id}")) == "Jane {@j{id}")
    }

    @Test(arguments: ["http://x-emulator:8080", "http://api.x.com", "http://10.0.0.5:8080/", "http://user:pw@emulator.internal"])
    func plainHTTPToAHostThatIsNotLoopbackIsRefused(baseURL: String) throws {
        let error = try #require(problem(["KIAMO_TWITTER_API_BASE_URL": baseURL]))
        #expect(error.key == "api.baseUrl" && error.origin == "KIAMO_TWITTER_API_BASE_URL")
        #expect(error.problem.contains("api.allowInsecureHttp") && error.problem.contains("KIAMO_TWITTER_API_ALLOW_INSECURE_HTTP"), "\(error)")
        #expect(!error.description.contains("pw"), "\(error)")
        let allowed = try load(["KIAMO_TWITTER_API_BASE_URL": baseURL, "KIAMO_TWITTER_API_ALLOW_INSECURE_HTTP": "true"])
        #expect(allowed.api.allowInsecureHttp && allowed.api.baseURL == baseURL)
    }

    @Test(arguments: ["otel-collector:4318", "grpc://otel-collector:4317", "http://", "ftp://user:pw@collector"])
    func aTracingEndpointThatIsNoHTTPURLIsRefusedSayingWhatIsExpected(endpoint: String) throws {
        let error = try #require(problem(["KIAMO_TWITTER_TRACING_ENDPOINT": endpoint]))
        #expect(error.key == "tracing.endpoint" && error.origin == "KIAMO_TWITTER_TRACING_ENDPOINT")
        #expect(error.problem.contains("http://otel-collector:4318"), "\(error)")
        #expect(!error.description.contains("pw"), "\(error)")
    }

    @Test func tracingIsOffUnlessAnEndpointIsSetAndTheReportMasksItsCredentials() throws {
        #expect(try load([:]).tracing.endpoint == nil)
        #expect(try load(["KIAMO_TWITTER_TRACING_ENDPOINT": " "]).tracing.endpoint == nil)
        let on = try load(["KIAMO_TWITTER_TRACING_ENDPOINT": "https://user:pw@collector.example:4318", "KIAMO_TWITTER_TRACING_SAMPLING_PERCENT": "25"])
        #expect(on.tracing.endpoint == "https://user:pw@collector.example:4318" && on.tracing.samplingPercent == 25)
        let line = try #require(ConfigurationReport.lines(on).first { $0.hasPrefix("tracing = ") })
        #expect(!line.contains("pw") && line.contains("collector.example:4318") && line.contains("25 %"), "\(line)")
        #expect(problem(["KIAMO_TWITTER_TRACING_SAMPLING_PERCENT": "101"])?.key == "tracing.samplingPercent")
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://api.x.com", "https://x-emulator:8443"])
    func loopbackHTTPAndEveryHTTPSAreAccepted(baseURL: String) throws {
        #expect(try load(["KIAMO_TWITTER_API_BASE_URL": baseURL]).api.baseURL == baseURL)
    }

    @Test(arguments: ["../x", "..", ".", "a/b", "/etc/kiamo", "a\\b", "line\nbreak", "bell\u{7}"])
    func aServiceNameThatWouldPutFilesOutsideTheirFolderIsRefused(service: String) throws {
        let error = try #require(problem(["KIAMO_TWITTER_SERVICE": service]), "\(service.debugDescription) was accepted")
        #expect(error.key == "service" && error.origin == "KIAMO_TWITTER_SERVICE", "\(error)")
        #expect(!error.description.contains("\n"), "one line: \(error)")
    }

    @Test func anOrdinaryServiceNameIsAccepted() throws {
        #expect(try load(["KIAMO_TWITTER_SERVICE": "support-desk.v2_EU"]).service == "support-desk.v2_EU")
    }
}
