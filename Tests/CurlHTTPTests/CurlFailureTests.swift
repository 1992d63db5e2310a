import Testing

@testable import CurlHTTP

/// libcurl's result codes become the error a person can act on; no network involved.
@Suite struct CurlFailureTests {
    private func failure(
        _ code: Int, detail: String = "", systemError: String? = nil,
        exceeded: Bool = false, reachedTransfer: Bool = false,
        url: String = "https://api.x.com:443/2/dm_events?pagination_token=SECRET"
    ) throws -> CurlFailure {
        CurlFailure(
            code: code, codeText: "text of \(code)", detail: detail, systemError: systemError,
            exceededSizeLimit: exceeded, reachedTransfer: reachedTransfer,
            target: try RequestTarget(validating: url),
            connectTimeout: .seconds(10), timeout: .seconds(30), maxResponseSize: 1_024
        )
    }

    @Test func eachCodeMapsToItsCase() throws {
        #expect(
            try failure(6, detail: "Could not resolve host: api.x.com").error
                == .resolve(host: "api.x.com", proxy: false, curlCode: 6, message: "Could not resolve host: api.x.com"))
        #expect(try failure(5).error == .resolve(host: "api.x.com", proxy: true, curlCode: 5, message: "text of 5"))
        #expect(
            try failure(7, detail: "Failed to connect", systemError: "Connection refused").error
                == .connect(host: "api.x.com", port: 443, curlCode: 7, message: "Connection refused"))
        #expect(
            try failure(7, detail: "Failed to connect").error
                == .connect(host: "api.x.com", port: 443, curlCode: 7, message: "Failed to connect"))
        for code in [35, 58, 60, 77, 83, 90] {
            #expect(try failure(code).error == .tls(host: "api.x.com", port: 443, curlCode: code, message: "text of \(code)"))
        }
        for code in [16, 18, 52, 55, 56, 92] {
            #expect(try failure(code).error == .connectionLost(host: "api.x.com", port: 443, curlCode: code, message: "text of \(code)"))
        }
        #expect(try failure(23, exceeded: true).error == .tooLarge(limit: 1_024))
        #expect(try failure(63).error == .tooLarge(limit: 1_024))
        #expect(try failure(23).error == .transfer(host: "api.x.com", port: 443, curlCode: 23, message: "text of 23"))
        #expect(try failure(47).error == .transfer(host: "api.x.com", port: 443, curlCode: 47, message: "text of 47"))
        guard case .invalidURL = try failure(3).error else { Issue.record("code 3 is a bad URL"); return }
        guard case .invalidURL = try failure(1).error else { Issue.record("code 1 is a bad URL"); return }
    }

    @Test func aTimeoutSaysWhetherTheConnectionWasEverUp() throws {
        #expect(
            try failure(28, reachedTransfer: false).error
                == .timeout(.connect, host: "api.x.com", port: 443, limit: .seconds(10), curlCode: 28))
        #expect(
            try failure(28, reachedTransfer: true).error
                == .timeout(.total, host: "api.x.com", port: 443, limit: .seconds(30), curlCode: 28))
    }

    @Test func messagesNeverCarryTheQueryString() throws {
        let leaky = try failure(56, detail: "Recv failure on https://api.x.com:443/2/dm_events?pagination_token=SECRET\n")
        #expect(leaky.message == "Recv failure on https://api.x.com:443/2/dm_events?…")
        for code in [1, 3, 5, 6, 7, 28, 35, 52, 63, 99] {
            #expect(!(try failure(code, detail: "detail").error.description.contains("SECRET")))
        }
    }

    @Test func descriptionsNameTheEndpointAndWhatToCheck() {
        #expect(
            HTTPClientError.connect(host: "127.0.0.1", port: 8080, curlCode: 7, message: "Connection refused").description
                == "could not connect to 127.0.0.1:8080: Connection refused (curl 7); check the API base URL and that the server runs")
        #expect(
            HTTPClientError.timeout(.connect, host: "::1", port: 443, limit: .milliseconds(1_500), curlCode: 28).description
                == "connecting to [::1]:443 timed out after 1.5 s (curl 28); check that the host is reachable (firewall, proxy) or raise connectTimeout")
        #expect(
            HTTPClientError.resolve(host: "api.x.com", proxy: false, curlCode: 6, message: "Could not resolve host: api.x.com").description
                == "could not resolve host api.x.com: Could not resolve host: api.x.com (curl 6); check the host name in the URL and the machine's DNS")
        #expect(HTTPClientError.tooLarge(limit: 16).description.contains("raise maxResponseSize"))
        #expect(HTTPClientError.tls(host: "h", port: 1, curlCode: 60, message: "m").curlCode == 60)
        #expect(HTTPClientError.shutdown.curlCode == nil)
    }
}
