/// `GET /2/users?ids=` answer: the users found, and `errors` for the ids X does not know.
struct V2UsersResponse: Decodable, Sendable {
    var data: [V2User]?
    var errors: [XErrorBody.Entry]?
}
