/// Writes v2 bodies by hand: DM pages (the hot path), users and media.
enum V2Encoder {
    /// `{"data":[...],"includes":{...},"meta":{...}}` of a DM list page; `data` and `includes`
    /// are left out when the page is empty, as X leaves them out. Media URLs start with `baseURL`.
    static func page(_ snapshot: DMSnapshot, options: DMListOptions, baseURL: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + snapshot.events.count * 320)
        writer.byte(UInt8(ascii: "{"))
        if !snapshot.events.isEmpty {
            writer.raw("\"data\":[")
            for (index, event) in snapshot.events.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                event.writeV2(fields: options.fields, to: &writer)
            }
            writer.raw("],")
            includes(snapshot, options: options, baseURL: baseURL, to: &writer)
        }
        writer.raw("\"meta\":{\"result_count\":")
        writer.integer(snapshot.events.count)
        if let next = snapshot.nextToken {
            writer.raw(",\"next_token\":")
            writer.string(next)
        }
        if let previous = snapshot.previousToken {
            writer.raw(",\"previous_token\":")
            writer.string(previous)
        }
        writer.raw("}}")
        return writer.bytes
    }

    /// `{"data":{...},"includes":{...}}` of one event.
    static func single(_ snapshot: DMSnapshot, options: DMListOptions, baseURL: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.raw("{\"data\":")
        snapshot.events[0].writeV2(fields: options.fields, to: &writer)
        writer.byte(UInt8(ascii: ","))
        includes(snapshot, options: options, baseURL: baseURL, to: &writer)
        writer.removeTrailingComma()
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// `"includes":{...},` when an expansion found something.
    private static func includes(_ snapshot: DMSnapshot, options: DMListOptions, baseURL: String, to writer: inout JSONWriter) {
        guard !snapshot.users.isEmpty || !snapshot.media.isEmpty else { return }
        writer.raw("\"includes\":{")
        if !snapshot.users.isEmpty {
            writer.raw("\"users\":[")
            for (index, user) in snapshot.users.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                self.user(user, fields: options.userFields, to: &writer)
            }
            writer.byte(UInt8(ascii: "]"))
        }
        if !snapshot.media.isEmpty {
            if !snapshot.users.isEmpty { writer.byte(UInt8(ascii: ",")) }
            writer.raw("\"media\":[")
            for (index, entry) in snapshot.media.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                media(entry.item, dmID: entry.dmID, baseURL: baseURL, fields: options.mediaFields, to: &writer)
            }
            writer.byte(UInt8(ascii: "]"))
        }
        writer.raw("},")
    }

    /// A user object: `id`, `name`, `username` always, other fields when asked for and known.
    static func user(_ user: EmulatorUser, fields: Set<String>, to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        writer.field("id", user.id)
        writer.byte(UInt8(ascii: ","))
        writer.field("name", user.name)
        writer.byte(UInt8(ascii: ","))
        writer.field("username", user.username)
        if fields.contains("created_at") {
            writer.raw(",")
            writer.field("created_at", XTimestamp.iso8601(milliseconds: XTimestamp.milliseconds(user.createdAt)))
        }
        if fields.contains("description") {
            writer.raw(",")
            writer.field("description", user.description)
        }
        if fields.contains("location"), let location = user.location {
            writer.raw(",")
            writer.field("location", location)
        }
        if fields.contains("profile_image_url") {
            writer.raw(",")
            writer.field("profile_image_url", user.profileImageURL)
        }
        if fields.contains("protected") {
            writer.raw(",\"protected\":")
            writer.bool(user.protected)
        }
        if fields.contains("public_metrics") {
            writer.raw(",\"public_metrics\":{\"followers_count\":0,\"following_count\":0,\"tweet_count\":0,\"post_count\":0,\"listed_count\":0,\"like_count\":0,\"media_count\":0}")
        }
        if fields.contains("receives_your_dm") {
            writer.raw(",\"receives_your_dm\":")
            writer.bool(user.acceptsDirectMessages)
        }
        if fields.contains("url") {
            writer.raw(",")
            writer.field("url", user.url ?? "")
        }
        if fields.contains("verified") {
            writer.raw(",\"verified\":")
            writer.bool(user.verified)
        }
        if fields.contains("verified_type") {
            writer.raw(",")
            writer.field("verified_type", user.verified ? "blue" : "none")
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// A media object: `media_key` and `type` always, other fields when asked for and known.
    /// A photo's `url` and a video's or GIF's `variants` lead to its bytes (the download path
    /// of DM `dmID` unless a seed gave a URL); `preview_image_url` is a video's or GIF's still.
    static func media(_ item: MediaItem, dmID: UInt64, baseURL: String, fields: Set<String>, to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        writer.field("media_key", item.mediaKey)
        writer.byte(UInt8(ascii: ","))
        writer.field("type", item.type)
        if fields.contains("url"), item.type == "photo" {
            writer.raw(",")
            writer.field("url", item.url(dmID: dmID, baseURL: baseURL))
        }
        if fields.contains("preview_image_url"), item.type != "photo" {
            writer.raw(",")
            writer.field("preview_image_url", item.previewImageURL)
        }
        if fields.contains("variants"), item.type != "photo" {
            writer.raw(",\"variants\":[{")
            writer.field("content_type", item.content.contentType)
            writer.raw(",")
            writer.field("url", item.url(dmID: dmID, baseURL: baseURL))
            writer.raw("}]")
        }
        if fields.contains("width"), let width = item.width {
            writer.raw(",\"width\":")
            writer.integer(width)
        }
        if fields.contains("height"), let height = item.height {
            writer.raw(",\"height\":")
            writer.integer(height)
        }
        if fields.contains("alt_text"), let alt = item.altText {
            writer.raw(",")
            writer.field("alt_text", alt)
        }
        writer.byte(UInt8(ascii: "}"))
    }
}
