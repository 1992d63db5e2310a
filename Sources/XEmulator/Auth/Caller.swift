/// Who a request acts as: a user (OAuth 1.0a or an OAuth 2.0 user token), or the app itself (an
/// app-only bearer token from `POST /oauth2/token`), which only the push endpoints take.
enum Caller: Sendable, Equatable {
    case user(UInt64)
    case app

    /// The user's id; `nil` for the app.
    var userID: UInt64? {
        if case .user(let id) = self { return id }
        return nil
    }
}
