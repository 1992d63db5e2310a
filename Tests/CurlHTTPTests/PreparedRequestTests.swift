import Foundation
import Testing

@testable import CurlHTTP

/// How a request becomes libcurl options, decided without a network.
@Suite struct PreparedRequestTests {
    private let configuration = HTTPClient.Configuration()

    private func prepare(_ request: HTTPRequest) throws -> PreparedRequest {
        try PreparedRequest(request, configuration: configuration)
    }

    @Test func theMethodDecidesHowTheBodyTravels() throws {
        #expect(try prepare(HTTPRequest(url: "http://h/")).verb == .get)
        #expect(try prepare(HTTPRequest(method: .head, url: "http://h/")).verb == .head)
        #expect(try prepare(HTTPRequest(method: .delete, url: "http://h/")).verb == .custom("DELETE"))
        #expect(try prepare(HTTPRequest(method: .post, url: "http://h/")).verb == .send(customName: nil))
        #expect(try prepare(HTTPRequest(method: .put, url: "http://h/")).verb == .send(customName: "PUT"))
        #expect(try prepare(HTTPRequest(method: .patch, url: "http://h/", body: Data("x".utf8))).verb == .send(customName: "PATCH"))
        #expect(try prepare(HTTPRequest(method: .delete, url: "http://h/", body: Data("x".utf8))).verb == .send(customName: "DELETE"))
    }

    @Test func headerLinesSwitchOffLibcurlDefaultsAndKeepEmptyValues() throws {
        let get = try prepare(HTTPRequest(url: "http://h/", headers: ["Accept": "application/json", "X-Empty": "  "]))
        #expect(get.headerLines == ["Accept: application/json", "X-Empty;", "Expect:"])

        let post = try prepare(HTTPRequest(method: .post, url: "http://h/", body: Data("{}".utf8)))
        #expect(post.headerLines == ["Expect:", "Content-Type:"])

        let typed = try prepare(HTTPRequest(method: .post, url: "http://h/", headers: ["content-type": "application/json", "Expect": "100-continue"]))
        #expect(typed.headerLines == ["content-type: application/json", "Expect: 100-continue"])
    }

    @Test func forbiddenCharactersAreRefusedBeforeSending() {
        #expect(throws: HTTPClientError.invalidRequest(reason: "the header name \"Bad Name\" is not an HTTP token")) {
            try prepare(HTTPRequest(url: "http://h/", headers: ["Bad Name": "v"]))
        }
        #expect(throws: HTTPClientError.invalidRequest(reason: "the value of header X-Token contains a line break or NUL")) {
            try prepare(HTTPRequest(url: "http://h/", headers: ["X-Token": "secret\nX-Other: 1"]))
        }
        #expect(throws: HTTPClientError.invalidRequest(reason: "the method \"GET /x\" is not an HTTP token")) {
            try prepare(HTTPRequest(method: HTTPMethod(rawValue: "GET /x"), url: "http://h/"))
        }
    }

    @Test func timeoutsComeFromTheRequestElseTheConfiguration() throws {
        let defaults = try prepare(HTTPRequest(url: "http://h/"))
        #expect(defaults.connectTimeout == .seconds(10))
        #expect(defaults.timeout == .seconds(30))
        let own = try prepare(HTTPRequest(url: "http://h/", timeout: .milliseconds(1_500), connectTimeout: .milliseconds(200)))
        #expect(own.connectTimeout == .milliseconds(200))
        #expect(own.timeout == .milliseconds(1_500))
        #expect(throws: HTTPClientError.self) { try prepare(HTTPRequest(url: "http://h/", timeout: .zero)) }
    }

    @Test func durationsBecomeMillisecondsThatAreNeverZeroByAccident() {
        #expect(Duration.milliseconds(1_500).roundedUpMilliseconds == 1_500)
        #expect(Duration.microseconds(1).roundedUpMilliseconds == 1)
        #expect(Duration.microseconds(1_001).roundedUpMilliseconds == 2)
        #expect(Duration.zero.roundedUpMilliseconds == 0)
        #expect(Duration.seconds(-3).roundedUpMilliseconds == 0)
        #expect(Duration.seconds(Int64.max).roundedUpMilliseconds == 1_000_000_000_000)
        #expect(Duration.milliseconds(300).humanReadable == "300 ms")
        #expect(Duration.seconds(30).humanReadable == "30 s")
        #expect(Duration.milliseconds(2_250).humanReadable == "2.3 s")
    }

    @Test func anUnusableConfigurationIsDescribed() {
        var configuration = HTTPClient.Configuration()
        #expect(configuration.problem == nil)
        configuration.maxConnectionsPerHost = 0
        #expect(configuration.problem == "maxConnectionsPerHost must be positive (got 0)")
        configuration = .init()
        configuration.proxy = .url("")
        #expect(configuration.problem == "proxy URL must be non-empty and without spaces")
    }
}
