/// Body of `POST /2/dm_conversations/with/{participant_id}/messages`, encoded by `JSONEncoder` so
/// quotes, newlines and emoji reach X intact.
struct V2SendRequest: Encodable, Sendable {
    var text: String
}
