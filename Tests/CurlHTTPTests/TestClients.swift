import CurlHTTP
import Logging

/// Clients for the loopback tests. They never use a proxy: a proxy from the environment of the
/// machine running the tests must not sit between the client and 127.0.0.1.
enum TestClients {
    static func make(_ adjust: (inout HTTPClient.Configuration) -> Void = { _ in }) throws -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.proxy = .none
        configuration.timeout = .seconds(20)
        adjust(&configuration)
        return try HTTPClient(configuration: configuration, logger: Logger(label: "test.http"))
    }
}
