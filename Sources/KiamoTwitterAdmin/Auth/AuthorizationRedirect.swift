import Foundation
import KiamoTwitter

/// What a person brings back from X's consent page: the redirect URL (`...?state=...&code=...`,
/// or `?error=access_denied`) or the bare code. Pure, so the state check is unit-tested.
public struct AuthorizationRedirect: Sendable, Hashable {
    /// The authorization code to exchange.
    public var code: String
    /// The `state` the redirect carried; nil when only a code was given.
    public var state: String?

    /// A code, with the state its redirect carried.
    public init(code: String, state: String?) {
        self.code = code
        self.state = state
    }

    /// Parses what was pasted or passed: a URL with a query, or a code.
    ///
    /// Throws `AdminError` when X reported an error, the URL has no code, or its state is not
    /// `expectedState` (a redirect of another login, or a forged one).
    public static func parse(_ input: String, expectedState: String?) throws -> AuthorizationRedirect {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AdminError.usage("no redirect URL or code was given") }
        guard text.contains("://") || text.contains("?") else {
            guard text.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "&" && $0 != "=" }) else {
                throw AdminError.usage("'\(text.prefix(60))' is neither a redirect URL nor an authorization code")
            }
            return AuthorizationRedirect(code: text, state: nil)
        }
        guard let components = URLComponents(string: text) else {
            throw AdminError.usage("the redirect URL cannot be parsed; paste it whole, as the browser shows it")
        }
        let items = components.queryItems ?? []
        func value(_ name: String) -> String? { items.first { $0.name == name }?.value }
        if let error = value("error") {
            throw AdminError.failed("X refused the authorization: \(error)\(value("error_description").map { " (\($0))" } ?? ""); nothing was stored")
        }
        guard let code = value("code"), !code.isEmpty else {
            throw AdminError.usage("the redirect URL has no code parameter; paste the URL X redirected to after consent")
        }
        let state = value("state")
        if let expectedState, state != expectedState {
            throw AdminError.failed("the redirect URL's state does not match this login's (a redirect of another login attempt?); nothing was stored, start again")
        }
        return AuthorizationRedirect(code: code, state: state)
    }
}
