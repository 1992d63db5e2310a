/// A v1.1 user (`users/show.json`, `account/verify_credentials.json`): `id_str` is the id
/// (the numeric `id` is read only when `id_str` is missing, since JSON numbers lose precision
/// past 2^53 in many decoders).
struct V1User: Decodable, Sendable {
    var idStr: WireSnowflake?
    var id: UInt64?
    var name: String?
    var screenName: String?

    private enum CodingKeys: String, CodingKey {
        case id, name
        case idStr = "id_str"
        case screenName = "screen_name"
    }

    /// The user in the common shape; `nil` when neither id is present.
    var user: XUser? {
        guard let id = idStr?.value ?? id.map(String.init) else { return nil }
        return XUser(id: id, name: name ?? "", username: screenName ?? "")
    }
}
