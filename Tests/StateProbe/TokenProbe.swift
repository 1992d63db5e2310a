import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import SharedState
import XAPI

/// Calls X's `GET /2/users/me` `--uses` times, one call every `--every-ms`, as the workers do:
/// through `XAPIClient` with OAuth 2.0 credentials whose token store is the account's
/// `SharedOAuth2TokenStore` on the shared state, refreshing with XAPI's `OAuth2Client` over
/// CurlHTTP. The client is confidential when `STATE_PROBE_CLIENT_SECRET` is set (a secret stays
/// out of the command line), public otherwise.
///
/// `--margin-ms` is the client's refresh margin; a negative one makes the store trust a pair that
/// long after X stopped accepting it (a clock behind X's), so expiries reach X as 401s and go
/// through `token(afterRejecting:)`.
///
/// Prints `failure: ...` for every error reaching it, then `{"uses", "succeeded", "failures",
/// "refreshRejected", "unauthorized", "refreshes", "refreshRefusals"}`: the last three count X's
/// answers to this process (401s to calls, token refreshes accepted, refreshes refused).
enum TokenProbe {
    static func run(_ arguments: ProbeArguments) async throws {
        let account = try arguments.string("account")
        let baseURL = try arguments.string("base-url")
        let uses = try arguments.int("uses")
        let every = Duration.milliseconds(try arguments.int("every-ms", default: 20))
        var logger = Logger(label: "state-probe.tokens")
        logger.logLevel = .warning

        let store = try await ProbeStore.open(arguments)
        let tokens = SharedOAuth2TokenStore(store: store, clock: store.options.clock, account: account, logger: logger)
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.proxy = .none
        let http = try HTTPClient(configuration: httpConfiguration, logger: logger)
        defer { http.shutdown() }
        let configuration = XAPIConfiguration(
            baseURL: baseURL,
            credentials: .oauth2(
                OAuth2Credentials(
                    clientId: try arguments.string("client-id"),
                    clientSecret: ProcessInfo.processInfo.environment["STATE_PROBE_CLIENT_SECRET"],
                    tokenStore: tokens
                )),
            timeout: .seconds(10),
            connectTimeout: .seconds(2),
            refreshMargin: .milliseconds(try arguments.int("margin-ms", default: 0))
        )
        let transport = CountingTransport(http: http, tokenURL: configuration.resolvedTokenURL)
        let client = try XAPIClient(configuration: configuration, transport: transport, logger: logger)

        var succeeded = 0
        var failures = 0
        var refreshRejected = 0
        for _ in 0..<uses {
            do {
                let me = try await client.me().value
                if me.id == account {
                    succeeded += 1
                } else {
                    failures += 1
                    ProbeOutput.line("failure: users/me answered user \(me.id), not \(account)")
                }
            } catch {
                failures += 1
                if isRefreshRejection(error) { refreshRejected += 1 }
                ProbeOutput.line("failure: \(error)")
            }
            try await Task.sleep(for: every)
        }
        let counts = transport.counts
        ProbeOutput.json([
            "uses": uses, "succeeded": succeeded, "failures": failures, "refreshRejected": refreshRejected,
            "unauthorized": counts.unauthorized, "refreshes": counts.refreshes, "refreshRefusals": counts.refreshRefusals,
        ])
    }

    /// X's refusal of a refresh token, as the shared store or XAPI report it.
    private static func isRefreshRejection(_ error: any Error) -> Bool {
        if case .refreshRejected = error as? StateStoreError { return true }
        return SharedOAuth2TokenStore.isXAPIRefreshRejection(error)
    }
}
