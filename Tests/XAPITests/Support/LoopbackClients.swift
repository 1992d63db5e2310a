import CurlHTTP
import Foundation
import Logging
import XAPI

/// Real HTTP clients for the integration tests: CurlHTTP without any proxy (a proxy from the
/// environment must not sit between the client and 127.0.0.1).
enum LoopbackClients {
    static func http() throws -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.proxy = .none
        return try HTTPClient(configuration: configuration, logger: Logger(label: "test.xapi.http"))
    }

    /// An X client of `version` on `baseURL`, over `http`.
    static func x(
        baseURL: String,
        version: XAPIVersion = .v2,
        credentials: XCredentials,
        http: HTTPClient,
        timeout: Duration = .seconds(10),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> XAPIClient {
        try XAPIClient(
            configuration: XAPIConfiguration(baseURL: baseURL, apiVersion: version, credentials: credentials, timeout: timeout, connectTimeout: .seconds(2)),
            transport: http, logger: Logger(label: "test.xapi"), clock: clock
        )
    }
}
