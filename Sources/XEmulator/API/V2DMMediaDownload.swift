/// `GET /2/dm_conversations/media/:dm_id/:media_id/:resource_id`: the bytes of a DM's media, to
/// a participant of the DM's conversation only, whole or one range of them.
///
/// The three path segments are those of X's legacy DM media URLs
/// (`https://ton.twitter.com/1.1/ton/data/dm/<dm_id>/<media_id>/<resource_id>`): `dm_id` the DM
/// event, `media_id` the media's id (the digits of its media key), `resource_id` the file's name,
/// 8 letters and digits plus the extension (`hVJQTwig.jpg`). The emulator gives each media object
/// one such name (`MediaItem.resourceID`), which the URLs its events show end with; any other
/// name is not found, as an unknown DM, a DM the caller is not in, or media the DM does not carry.
///
/// The schema declares the body `application/octet-stream`; the emulator answers with the media's
/// own type (`image/jpeg`, `video/mp4`, ...) so a client can tell what it downloaded, as X's media
/// servers do.
struct V2DMMediaDownload: Sendable {
    let store: EmulatorStore

    func download(_ request: EmulatorRequest, dmID: String, mediaID: String, resourceID: String, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        _ = try V2Vocabulary.parameters(request, allowed: []).get()
        let found = store.withState { state -> Result<MediaContent, Refusal> in
            guard let eventID = EmulatorUser.numericID(dmID), let timeline = state.events.timeline(of: caller),
                case let index = timeline.lowerBound(eventID), index < timeline.events.count, timeline.events[index].id == eventID
            else {
                return .failure(Refusal(XErrors.resourceNotFound(resourceType: "dm_event", parameter: "dm_id", value: dmID, detail: "Could not find dm_event with dm_id: [\(dmID)].")))
            }
            let carried = timeline.events[index].mediaKeys.compactMap { state.media[$0] }
            guard let media = EmulatorUser.numericID(mediaID), let item = carried.first(where: { $0.mediaID == media }) else {
                return .failure(Refusal(XErrors.resourceNotFound(resourceType: "media", parameter: "media_id", value: mediaID, detail: "Could not find media with media_id: [\(mediaID)].")))
            }
            guard item.resourceID == resourceID else {
                return .failure(
                    Refusal(XErrors.resourceNotFound(resourceType: "media", parameter: "resource_id", value: resourceID, detail: "Could not find media with resource_id: [\(resourceID)].")))
            }
            return .success(item.content)
        }
        let content = try found.get()
        let headers = [("content-type", content.contentType), ("accept-ranges", "bytes")]
        switch ByteRange.resolve(request.header("range"), length: content.count) {
        case .whole:
            return EmulatorResponse(status: 200, headers: headers, body: content.allBytes)
        case .partial(let range):
            return EmulatorResponse(
                status: 206, headers: headers + [("content-range", "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(content.count)")],
                body: content.bytes(in: range))
        case .unsatisfiable:
            return XErrors.blank(416, detail: "The range \(request.header("range") ?? "") holds none of the media's \(content.count) bytes.")
                .adding([("content-range", "bytes */\(content.count)")])
        }
    }
}
