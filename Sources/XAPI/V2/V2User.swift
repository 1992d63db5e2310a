/// A v2 `User`; only `id` is required, a missing name or username maps to an empty string.
struct V2User: Decodable, Sendable {
    var id: WireSnowflake
    var name: String?
    var username: String?

    var user: XUser { XUser(id: id.value, name: name ?? "", username: username ?? "") }
}
