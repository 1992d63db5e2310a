import ArgumentParser
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin
import XAPI

/// `kiamo-twitter auth login`.
struct AuthLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Sign the account in with OAuth 2.0 (authorization code with PKCE) and store its token pair.",
        discussion: """
            Interactive (default): prints the authorize URL on standard error; open it, sign in as the account and authorize \
            the app; the browser is sent to the redirect URI (nothing needs to listen there): paste that URL, or just its code, \
            on standard input.

            Scripted, in two steps: `auth login --print-url` prints the URL, the state and the code verifier; then \
            `auth login --redirect-url URL --state S --code-verifier V` (or `--code C --code-verifier V`) finishes.

            The redirect's state must match; the pair must belong to the account (users/me); only then is it stored, replacing \
            the stored pair with a compare-and-set on its version, so running workers use it from their next call.

            Authorize URL: https://x.com/i/oauth2/authorize when api.baseUrl is X's (api.x.com, api.twitter.com), otherwise \
            <api.baseUrl>/i/oauth2/authorize (the emulator's); --authorize-url overrides.
            """
    )

    @Option(help: ArgumentHelp("Redirect URI registered for the app.", valueName: "url"))
    var redirectUri = AuthLogin.defaultRedirectURI

    @Option(help: ArgumentHelp("Authorize endpoint (see the rule above).", valueName: "url"))
    var authorizeUrl: String?

    @Option(help: ArgumentHelp("Scopes, space- or comma-separated.", valueName: "scopes"))
    var scopes = XAPI.defaultScopes.joined(separator: " ")

    @Flag(help: "Print the authorize URL, state and code verifier for a scripted second step, and exit.")
    var printUrl = false

    @Option(help: ArgumentHelp("Second step: the URL the browser was redirected to.", valueName: "url"))
    var redirectUrl: String?

    @Option(help: ArgumentHelp("Second step: the authorization code alone (no state check).", valueName: "code"))
    var code: String?

    @Option(help: ArgumentHelp("Second step: the state printed by --print-url.", valueName: "state"))
    var state: String?

    @Option(help: ArgumentHelp("Second step: the code verifier printed by --print-url.", valueName: "verifier"))
    var codeVerifier: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if printUrl, redirectUrl != nil || code != nil { throw ValidationError("--print-url starts a login; --redirect-url and --code finish one") }
        if redirectUrl != nil, code != nil { throw ValidationError("give --redirect-url or --code, not both") }
        if redirectUrl != nil || code != nil, codeVerifier == nil { throw ValidationError("--redirect-url and --code need --code-verifier (printed by --print-url)") }
        if redirectUrl != nil, state == nil { throw ValidationError("--redirect-url needs --state (printed by --print-url)") }
        if codeVerifier != nil, redirectUrl == nil, code == nil { throw ValidationError("--code-verifier goes with --redirect-url or --code") }
    }

    func run() async throws {
        let command = self
        try await CommandRunner.run(options) { session in
            let login = AuthLogin(
                session: session, account: try await session.account(command.options.account), redirectURI: command.redirectUri,
                authorizeURL: command.authorizeUrl,
                scopes: command.scopes.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init))
            if command.printUrl {
                return LoginReport.started(try await login.begin())
            }
            if let verifier = command.codeVerifier, let input = command.redirectUrl ?? command.code {
                let pkce: PKCE
                do { pkce = try PKCE(verifier: verifier) } catch { throw AdminError.usage("--code-verifier: \(error)") }
                let attempt = try await login.attempt(pkce: pkce, state: command.state ?? "")
                return LoginReport.finished(try await login.finish(attempt, with: input, checkState: command.redirectUrl != nil))
            }
            let attempt = try await login.begin()
            Output.progress("Open this URL in a browser, sign in as account \(login.account.userId) and authorize the app:")
            Output.progress(attempt.authorizeURL)
            Output.progress("Then paste the URL the browser was sent to (\(attempt.redirectURI)?...), or just its code:")
            guard let input = await StandardInput.line() else {
                throw AdminError.usage("no redirect URL was given (standard input closed); for scripts use --print-url, then --redirect-url")
            }
            return LoginReport.finished(try await login.finish(attempt, with: input))
        }
    }
}
