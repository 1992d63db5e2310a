/// One stored media object, addressed by its media key (`3_<id>` for a photo).
struct MediaItem: Sendable {
    let mediaKey: String
    let mediaID: UInt64
    let attachment: DMAttachment

    /// The URL the media is served at (a made-up `pbs.twimg.com` one when none was given).
    var url: String {
        attachment.url ?? "https://pbs.twimg.com/dm_media/\(mediaID).jpg"
    }
}
