import Foundation
import Logging
import SharedState
import XAPI

/// Uses the account's token `--uses` times, one use every `--every-ms`: each use asks the shared
/// token store for a token valid for `--margin-ms`, presents it to the authority, and on a 401
/// asks for a replacement once. Prints `failure: ...` for every error reaching it, then
/// `{"uses", "failures", "unauthorized"}`.
enum TokenProbe {
    static func run(_ arguments: ProbeArguments) async throws {
        let store = try await ProbeStore.open(arguments)
        let authority = try RotatingAuthority(path: try arguments.string("authority"))
        let uses = try arguments.int("uses")
        let margin = Duration.milliseconds(try arguments.int("margin-ms", default: 1000))
        let every = Duration.milliseconds(try arguments.int("every-ms", default: 20))
        var logger = Logger(label: "state-probe.tokens")
        logger.logLevel = .warning
        let tokens = SharedOAuth2TokenStore(
            store: store, account: try arguments.string("account"), leaseTTL: .seconds(5),
            isRefreshRejected: { $0 is RotatingAuthority.InvalidGrant }, logger: logger
        )
        let refresh: OAuth2Refresh = { try await authority.refresh($0) }
        var failures = 0
        var unauthorized = 0
        for _ in 0..<uses {
            do {
                var token = try await tokens.validToken(margin: margin, refresh: refresh)
                if try await !authority.accepts(token.accessToken) {
                    unauthorized += 1
                    token = try await tokens.token(afterRejecting: token, refresh: refresh)
                    if try await !authority.accepts(token.accessToken) {
                        failures += 1
                        ProbeOutput.line("failure: the replacement token was rejected too")
                    }
                }
            } catch {
                failures += 1
                ProbeOutput.line("failure: \(error)")
            }
            try await Task.sleep(for: every)
        }
        ProbeOutput.json(["uses": uses, "failures": failures, "unauthorized": unauthorized])
    }
}
