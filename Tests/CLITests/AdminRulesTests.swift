import AMQP
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin
import Testing

/// The pure rules behind the commands, without a process or a network.
@Suite struct AdminRulesTests {
    @Test func aRedirectURLMustCarryTheLoginsState() throws {
        let redirect = try AuthorizationRedirect.parse("http://127.0.0.1:8976/callback?state=abc&code=xyz", expectedState: "abc")
        #expect(redirect == AuthorizationRedirect(code: "xyz", state: "abc"))
        #expect(try AuthorizationRedirect.parse("  xyz-123\n", expectedState: "abc") == AuthorizationRedirect(code: "xyz-123", state: nil))
        #expect(throws: AdminError.self) { try AuthorizationRedirect.parse("http://h/cb?state=other&code=xyz", expectedState: "abc") }
        #expect(throws: AdminError.self) { try AuthorizationRedirect.parse("http://h/cb?state=abc", expectedState: "abc") }
        let denied = #expect(throws: AdminError.self) {
            try AuthorizationRedirect.parse("http://h/cb?error=access_denied&state=abc", expectedState: "abc")
        }
        #expect(denied?.message.contains("access_denied") == true)
        #expect(denied?.exitCode == 1)
    }

    @Test func theAuthorizeEndpointIsXsOnlyForXsAPI() {
        #expect(AuthorizeEndpoint.url(baseURL: "https://api.x.com", override: nil) == "https://x.com/i/oauth2/authorize")
        #expect(AuthorizeEndpoint.url(baseURL: "https://api.twitter.com/", override: nil) == "https://x.com/i/oauth2/authorize")
        #expect(AuthorizeEndpoint.url(baseURL: "http://127.0.0.1:8080/", override: nil) == "http://127.0.0.1:8080/i/oauth2/authorize")
        #expect(AuthorizeEndpoint.url(baseURL: "https://api.x.com", override: "https://sso.example/authorize") == "https://sso.example/authorize")
    }

    @Test func numberedTestsAreFoundWithOrWithoutTheLeadingZero() {
        #expect(NumberedTest.named("7")?.name == "end to end")
        #expect(NumberedTest.named("07")?.name == "end to end")
        #expect(NumberedTest.named("00")?.name == "void run")
        #expect(NumberedTest.named("10")?.name == "webhook")
        #expect(NumberedTest.named("12") == nil)
        #expect(NumberedTest.named("-1") == nil)
        #expect(NumberedTest.named("x") == nil)
    }

    @Test func theAccountRuleNeedsAccountWhenSeveralAreConfigured() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load()
        #expect(throws: AdminError.configuration("no X account configured: set accounts in the configuration file, or KIAMO_TWITTER_USER_ID and its credentials")) {
            try AdminSession.account(nil, in: configuration)
        }
        let one = try ConfigurationLoader(environment: [
            "KIAMO_TWITTER_USER_ID": "12", "KIAMO_TWITTER_CLIENT_ID": "client",
        ]).load()
        #expect(try AdminSession.account(nil, in: one).userId == "12")
        #expect((try? AdminSession.account("13", in: one)) == nil)
    }

    @Test func savedAnswersAreRecognisedByTheirShape() throws {
        #expect(try SavedResponseMapping.detectVersion(Data(#"{"meta": {"result_count": 0}}"#.utf8)) == .v2)
        #expect(try SavedResponseMapping.detectVersion(Data(#"{"events": [], "next_cursor": "0"}"#.utf8)) == .v1_1)
        #expect(throws: AdminError.self) { try SavedResponseMapping.detectVersion(Data("[1, 2]".utf8)) }
        let empty = try SavedResponseMapping.map(
            Data(#"{"meta": {"result_count": 0}}"#.utf8), apiVersion: nil, accountId: "12",
            senderNameTemplate: "{name}@{username}", file: "f")
        #expect(empty.lines == ["f: API v2, 0 event(s), 0 Kiamo message(s) for account 12"])
    }

    @Test func aMaskedAuthorizationHeaderKeepsOnlyTheNonCredentialFields() {
        let header = #"OAuth oauth_consumer_key="key", oauth_nonce="n1", oauth_signature="s%2B%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="tok", oauth_version="1.0""#
        #expect(
            RequestReport.maskAuthorization(header)
                == #"OAuth oauth_consumer_key="****", oauth_nonce="n1", oauth_signature="****", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_token="****", oauth_version="1.0""#)
        #expect(RequestReport.maskAuthorization("Bearer abc.def") == "Bearer ****")
    }
}
