/// v2 `includes` (the schema's `Expansions`): the objects the expansions asked for.
struct V2Includes: Decodable, Sendable {
    var users: [V2User]?
    var media: [V2Media]?
}
