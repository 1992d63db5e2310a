/// The query parameters and values X's v2 accepts on the emulated endpoints. Anything else is
/// refused with an invalid-request problem, as X refuses it.
enum V2Vocabulary {
    /// `dm_event.fields`: the schema's enum plus the fields X documents and the schema's `DmEvent`
    /// has but its parameter enum omits (`sender_id`, `participant_ids`, `referenced_tweets`).
    static let dmEventFields = [
        "attachments", "created_at", "dm_conversation_id", "entities", "event_type", "id", "participant_ids",
        "referenced_tweets", "sender_id", "text",
    ]
    /// DM `expansions` (the schema's, plus X's older name `referenced_tweets.id`).
    static let dmExpansions = ["attachments.media_keys", "participant_ids", "referenced_posts", "referenced_tweets.id", "sender_id"]
    static let userFields = [
        "affiliation", "confirmed_email", "connection_status", "created_at", "description", "entities", "id",
        "is_identity_verified", "location", "most_recent_tweet_id", "name", "parody", "pinned_tweet_id",
        "profile_banner_url", "profile_image_url", "protected", "public_metrics", "receives_your_dm", "subscribes_to_you",
        "subscription", "subscription_type", "url", "username", "verified", "verified_followers_count", "verified_type",
        "withheld",
    ]
    /// User `expansions` (the schema's names and X's older `*_tweet_id` ones).
    static let userExpansions = ["affiliation", "most_recent_post_id", "most_recent_tweet_id", "pinned_post_id", "pinned_tweet_id"]
    static let mediaFields = [
        "alt_text", "duration_ms", "height", "media_key", "non_public_metrics", "organic_metrics", "preview_image_url",
        "promoted_metrics", "public_metrics", "type", "url", "variants", "width",
    ]
    static let postFields = [
        "article", "article_title", "attachments", "author_id", "card_uri", "community_id", "context_annotations",
        "conversation_id", "created_at", "display_text_range", "edit_controls", "entities", "geo", "id",
        "in_reply_to_user_id", "lang", "matched_media_notes", "media_metadata", "non_public_metrics", "note_post",
        "note_request_suggestions", "note_tweet", "organic_metrics", "paid_partnership", "possibly_sensitive",
        "promoted_metrics", "public_metrics", "referenced_tweets", "reply_settings", "scopes", "source",
        "suggested_source_links", "suggested_source_links_with_counts", "text", "withheld",
    ]
    static let eventTypes = DMEventKind.allCases.map(\.rawValue)
    /// `media_type` of an initialize (the schema's enum; the categories accept fewer).
    static let uploadMediaTypes = [
        "video/mp4", "video/webm", "video/mp2t", "video/quicktime", "text/srt", "text/vtt", "image/jpeg", "image/gif", "image/bmp", "image/png",
        "image/webp", "image/pjpeg", "image/tiff", "model/gltf-binary", "model/vnd.usdz+zip",
    ]
    /// `media_category` of an initialize (the schema's enum).
    static let initializeCategories = MediaCategory.allCases.map(\.rawValue)
    /// `media_category` of a one-request upload (the schema's enum: no `amplify_video`).
    static let uploadCategories = MediaCategory.allCases.filter { $0 != .amplifyVideo }.map(\.rawValue)

    /// Query parameters of the DM list endpoints.
    static let dmListParameters = [
        "max_results", "pagination_token", "event_types", "dm_event.fields", "expansions", "media.fields", "user.fields",
        "tweet.fields", "post.fields",
    ]
    /// Query parameters of `GET /2/dm_events/:event_id`.
    static let dmEventParameters = ["dm_event.fields", "expansions", "media.fields", "user.fields", "tweet.fields", "post.fields"]
    /// Query parameters of the user look-ups (`ids` only on `GET /2/users`).
    static let userParameters = ["user.fields", "expansions", "tweet.fields", "post.fields"]

    /// Decoded query parameters by name, or X's invalid-request problem for unknown, repeated or
    /// badly escaped ones.
    static func parameters(_ request: EmulatorRequest, allowed: [String]) -> Result<[String: String], Refusal> {
        guard let pairs = request.queryPairs else {
            return .failure(Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "The query string is not correctly percent-encoded"))))
        }
        var values: [String: String] = [:]
        var problems: [XErrors.Invalid] = []
        for (name, value) in pairs {
            if !allowed.contains(name) {
                problems.append(XErrors.Invalid(name, value, "The query parameter [\(name)] is not one of [\(allowed.joined(separator: ","))]"))
            } else if values[name] != nil {
                problems.append(XErrors.Invalid(name, value, "Duplicate parameters are not allowed: [\(name)]"))
            } else {
                values[name] = value
            }
        }
        return problems.isEmpty ? .success(values) : .failure(Refusal(XErrors.invalidRequest(problems)))
    }

    /// A comma-separated list whose items must come from `allowed`, without repeats.
    static func list(_ name: String, _ value: String?, allowed: [String], problems: inout [XErrors.Invalid]) -> [String] {
        guard let value else { return [] }
        let items = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var seen: [String] = []
        for item in items {
            if !allowed.contains(item) {
                problems.append(XErrors.Invalid(name, item, "The `\(name)` query parameter value [\(item)] is not one of [\(allowed.joined(separator: ","))]"))
            } else if seen.contains(item) {
                problems.append(XErrors.Invalid(name, item, "The `\(name)` query parameter value [\(item)] is repeated"))
            } else {
                seen.append(item)
            }
        }
        return seen
    }

    /// Checks a path parameter against `^[0-9]{1,19}$`.
    static func numericPathParameter(_ name: String, _ value: String) -> XErrors.Invalid? {
        EmulatorUser.numericID(value) == nil
            ? XErrors.Invalid(name, value, "The `\(name)` path parameter value [\(value)] does not match ^[0-9]{1,19}$")
            : nil
    }
}
