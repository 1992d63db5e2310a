/// Why a request's credentials were refused; each maps to X's answer in the route's dialect.
enum AuthFailure: Error, Sendable, Equatable {
    /// No `Authorization` header.
    case missing
    /// A header that is neither a well-formed OAuth 1.0a header nor a bearer token.
    case malformed
    case unknownConsumerKey
    /// An OAuth 1.0a access token the app does not know.
    case unknownToken
    case badSignature
    /// `oauth_timestamp` more than the tolerance away from the clock.
    case staleTimestamp
    /// A nonce seen before within the window.
    case replayedNonce
    /// A bearer token the emulator never issued, or one that expired.
    case invalidBearer
    /// A bearer token on a v1.1 DM endpoint, which takes OAuth 1.0a only.
    case bearerNotAccepted
    /// A bearer token without the scopes the endpoint needs.
    case missingScopes
    /// OAuth 1.0a user context on an endpoint that takes OAuth 2.0 user tokens only.
    case oauth1NotAccepted
    /// The app-only bearer token on an endpoint that needs a user.
    case appOnlyNotAccepted
    /// User context (named as X names it) on an endpoint that takes the app-only token only.
    case userContextNotAccepted(String)

    /// X's answer for this failure in `dialect`.
    func response(_ dialect: Route.Dialect) -> EmulatorResponse {
        switch dialect {
        case .v2, .oauth:
            switch self {
            case .missingScopes: return XErrors.blank(403)
            case .oauth1NotAccepted: return XErrors.unsupportedAuthentication(used: "OAuth 1.0a User Context", supported: ["OAuth 2.0 User Context"])
            case .appOnlyNotAccepted:
                return XErrors.unsupportedAuthentication(
                    used: "OAuth 2.0 Application-Only", supported: ["OAuth 1.0a User Context", "OAuth 2.0 User Context"], base: XErrors.twitterProblemBase)
            case .userContextNotAccepted(let used):
                return XErrors.unsupportedAuthentication(used: used, supported: ["OAuth 2.0 Application-Only"], base: XErrors.twitterProblemBase)
            default: return XErrors.unauthorized
            }
        case .v1:
            switch self {
            case .missing, .malformed: return XErrors.v1(400, code: 215, "Bad Authentication data.")
            case .unknownToken, .invalidBearer: return XErrors.v1(401, code: 89, "Invalid or expired token.")
            case .staleTimestamp: return XErrors.v1(401, code: 135, "Timestamp out of bounds.")
            case .bearerNotAccepted, .missingScopes, .oauth1NotAccepted, .appOnlyNotAccepted, .userContextNotAccepted:
                return XErrors.v1(403, code: 220, "Your credentials do not allow access to this resource.")
            case .unknownConsumerKey, .badSignature, .replayedNonce: return XErrors.v1CouldNotAuthenticate
            }
        }
    }
}
