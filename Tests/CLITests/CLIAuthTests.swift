import Foundation
import TestSupport
import Testing

/// `auth login | check | refresh` against the emulator's OAuth 2.0 endpoints (PKCE, rotating
/// refresh tokens). The account's configured refresh token is left out, so every pair in the
/// state store comes from the login.
@Suite struct CLIAuthTests {
    let account = TestAccount()
    static let noSeed = ["KIAMO_TWITTER_REFRESH_TOKEN": ""]

    func environment(_ emulator: CLIEmulator) throws -> CLIEnvironment {
        var environment = try CLIEnvironment.live(apiBaseURL: emulator.baseURL, oauth2: true)
        environment.variables.merge(Self.noSeed) { _, new in new }
        return environment
    }

    @Test func loginInTwoStepsStoresAPairThatCheckThenReports() async throws {
        let emulator = try await CLIEmulator()
        let environment = try environment(emulator)
        let before = try await environment.run(["auth", "check"])
        #expect(before.status == 1 && before.errorLines.count == 1 && before.stderr.contains("auth login"), "\(before)")

        let started = try await environment.run(["auth", "login", "--print-url", "--json"])
        #expect(started.status == 0, "\(started)")
        let attempt = try JSONDocument(started.stdout)
        let url = try #require(attempt["authorizeURL"] as? String)
        #expect(url.hasPrefix("\(emulator.baseURL)/i/oauth2/authorize?response_type=code&client_id=\(account.clientId)&"))
        #expect(url.contains("code_challenge_method=S256"))
        let state = try #require(attempt["state"] as? String)
        let verifier = try #require(attempt["codeVerifier"] as? String)
        let redirect = try await emulator.authorize(url)
        #expect(redirect.hasPrefix("http://127.0.0.1:8976/callback?"))

        let finished = try await environment.run(["auth", "login", "--redirect-url", redirect, "--state=\(state)", "--code-verifier=\(verifier)", "--json"])
        #expect(finished.status == 0, "\(finished)")
        let stored = try JSONDocument(finished.stdout)
        #expect(stored["stored"] as? Bool == true)
        #expect(stored["version"] as? Int == 1)
        #expect((stored["user"] as? [String: Any])?["id"] as? String == account.userId)
        #expect(!finished.stdout.contains("access_token"))

        let check = try await environment.run(["auth", "check", "--json"])
        #expect(check.status == 0, "\(check)")
        let checked = try JSONDocument(check.stdout)
        #expect(checked["version"] as? Int == 1)
        #expect(checked["hasRefreshToken"] as? Bool == true)
        #expect((checked["expiresInSeconds"] as? Int ?? 0) > 3600)
        let test04 = try await environment.run(["test", "--test=04"])
        #expect(test04.status == 0 && test04.stdout.contains("stored token pair: version 1"), "\(test04)")

        let refreshed = try await environment.run(["auth", "refresh", "--json"])
        #expect(refreshed.status == 0, "\(refreshed)")
        #expect(try JSONDocument(refreshed.stdout)["version"] as? Int == 2)
        let status = try JSONDocument(try await environment.run(["state", "show", "--json"]).stdout)
        let token = try #require(status.array("accounts").first?["token"] as? [String: Any])
        #expect(token["version"] as? Int == 2)
        #expect((token["accessToken"] as? String)?.hasPrefix("****") == true)
    }

    @Test func interactiveLoginReadsTheRedirectURLFromStandardInput() async throws {
        let emulator = try await CLIEmulator()
        let environment = try environment(emulator)
        let login = try await environment.start(["auth", "login", "--redirect-uri", "http://localhost:9999/done"])
        let url = try await login.waitForError(containing: "/i/oauth2/authorize?")
        let redirect = try await emulator.authorize(url.trimmingCharacters(in: .whitespaces))
        #expect(redirect.hasPrefix("http://localhost:9999/done?"))
        login.write(redirect + "\n")
        let result = try await login.wait()
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("credentials accepted by X: user \(account.userId)"))
        #expect(result.stdout.contains("stored in the state store"))
    }

    @Test func loginWithAnotherAttemptsStateStoresNothing() async throws {
        let emulator = try await CLIEmulator()
        let environment = try environment(emulator)
        let attempt = try JSONDocument(try await environment.run(["auth", "login", "--print-url", "--json"]).stdout)
        let redirect = try await emulator.authorize(try #require(attempt["authorizeURL"] as? String))
        let verifier = try #require(attempt["codeVerifier"] as? String)
        // A verifier may start with "-" (base64url): the `=` form the CLI prints takes it as a value
        // (`--code-verifier -x…` read it as an option, 1 run in 64 failed with "Missing value").
        let result = try await environment.run(["auth", "login", "--redirect-url", redirect, "--state", "forged", "--code-verifier=-\(verifier.dropFirst())"])
        #expect(result.status == 1 && result.errorLines.count == 1 && result.stderr.contains("state does not match"), "\(result)")
        let closed = try await environment.run(["auth", "login"])
        #expect(closed.status == 2 && closed.stderr.contains("standard input closed"), "\(closed)")
        let shown = try await environment.run(["state", "show", "--json"])
        let tokens = shown.status == 0 ? try JSONDocument(shown.stdout).array("accounts").compactMap { $0["token"] } : []
        #expect(shown.status != 2 && tokens.isEmpty, "\(shown)")
        let oauth1 = try CLIEnvironment.live(apiBaseURL: emulator.baseURL)
        let refresh = try await oauth1.run(["auth", "refresh"])
        #expect(refresh.status == 2 && refresh.stderr.contains("OAuth 1.0a"), "\(refresh)")
    }
}
