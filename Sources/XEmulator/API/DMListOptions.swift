/// The validated query of a v2 DM read: paging, event types, fields and expansions.
struct DMListOptions: Sendable {
    var maxResults = 100
    var token: PageToken?
    var kinds = Set(DMEventKind.allCases)
    /// Fields written for each event, in output order: X's defaults (`id`, `event_type`, `text`),
    /// those asked for, and those an expansion implies (`sender_id` for `expansions=sender_id`).
    var fields: [DMEventField] = DMEventField.defaults.sorted { $0.rawValue < $1.rawValue }
    var expandSenders = false
    var expandParticipants = false
    var expandMedia = false
    var userFields: Set<String> = []
    var mediaFields: Set<String> = []

    /// Parses the query of a list (`paging`) or single-event read; the error is X's 400.
    static func parse(_ values: [String: String], paging: Bool) -> Result<DMListOptions, Refusal> {
        var options = DMListOptions()
        var problems: [XErrors.Invalid] = []
        if paging {
            if let text = values["max_results"] {
                if let number = Int(text), (1...100).contains(number) {
                    options.maxResults = number
                } else if Int(text) != nil {
                    problems.append(XErrors.Invalid("max_results", text, "The `max_results` query parameter value [\(text)] is not between 1 and 100"))
                } else {
                    problems.append(XErrors.Invalid("max_results", text, "The `max_results` query parameter value [\(text)] is not a valid integer"))
                }
            }
            if let text = values["pagination_token"] {
                if let token = PageToken(text) {
                    options.token = token
                } else {
                    problems.append(XErrors.Invalid("pagination_token", text, "The `pagination_token` query parameter value [\(text)] is not a valid token"))
                }
            }
            if values["event_types"] != nil {
                let kinds = V2Vocabulary.list("event_types", values["event_types"], allowed: V2Vocabulary.eventTypes, problems: &problems)
                options.kinds = Set(kinds.compactMap(DMEventKind.init(rawValue:)))
            }
        }
        var fields = DMEventField.defaults
        for name in V2Vocabulary.list("dm_event.fields", values["dm_event.fields"], allowed: V2Vocabulary.dmEventFields, problems: &problems) {
            if let field = DMEventField.allCases.first(where: { $0.name == name }) { fields.insert(field) }
        }
        for expansion in V2Vocabulary.list("expansions", values["expansions"], allowed: V2Vocabulary.dmExpansions, problems: &problems) {
            switch expansion {
            case "sender_id":
                options.expandSenders = true
                fields.insert(.senderID)
            case "participant_ids":
                options.expandParticipants = true
                fields.insert(.participantIDs)
            case "attachments.media_keys":
                options.expandMedia = true
                fields.insert(.attachments)
            default:
                break // referenced posts: DMs here never reference any
            }
        }
        options.fields = fields.sorted { $0.rawValue < $1.rawValue }
        options.userFields = Set(V2Vocabulary.list("user.fields", values["user.fields"], allowed: V2Vocabulary.userFields, problems: &problems))
        options.mediaFields = Set(V2Vocabulary.list("media.fields", values["media.fields"], allowed: V2Vocabulary.mediaFields, problems: &problems))
        _ = V2Vocabulary.list("tweet.fields", values["tweet.fields"], allowed: V2Vocabulary.postFields, problems: &problems)
        _ = V2Vocabulary.list("post.fields", values["post.fields"], allowed: V2Vocabulary.postFields, problems: &problems)
        if !problems.isEmpty { return .failure(Refusal(XErrors.invalidRequest(problems))) }
        return .success(options)
    }
}
