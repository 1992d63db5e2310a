/// `GET /2/users/me`, `/2/users/{id}`, `/2/users/by/username/{username}` answers: `data`, or
/// only `errors` (with status 200) when X does not know the user.
struct V2UserResponse: Decodable, Sendable {
    var data: V2User?
    var errors: [XErrorBody.Entry]?
}
