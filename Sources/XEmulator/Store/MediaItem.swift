/// One stored media object, addressed by its media key (`3_<id>` for a photo): its bytes, what
/// `includes.media` and the v1.1 `attachment` say of it, and, for media uploaded through the API,
/// who may still attach it to a DM.
struct MediaItem: Sendable {
    let mediaKey: String
    let mediaID: UInt64
    /// `photo`, `video` or `animated_gif`.
    let type: String
    let content: MediaContent
    /// The URL a seed or the control API gave: events show it instead of the download URL.
    let givenURL: String?
    let width: Int?
    let height: Int?
    let altText: String?
    /// How it was uploaded through the API; `nil` for media a customer sent (control API, seed).
    var upload: MediaUploadRecord?

    init(
        mediaID: UInt64, type: String, content: MediaContent, givenURL: String? = nil, width: Int? = nil, height: Int? = nil, altText: String? = nil,
        keyPrefix: String? = nil, upload: MediaUploadRecord? = nil
    ) {
        self.mediaKey = "\(keyPrefix ?? MediaCategory.keyPrefix(mediaType: type))_\(mediaID)"
        self.mediaID = mediaID
        self.type = type
        self.content = content
        self.givenURL = givenURL
        let dimensions = width == nil || height == nil ? MediaFormat.dimensions(of: content.bytes(in: 0..<min(content.count, 65_536))) : nil
        self.width = width ?? dimensions?.width
        self.height = height ?? dimensions?.height
        self.altText = altText
        self.upload = upload
    }

    /// The last segment of the download path: X's legacy DM media URLs end with
    /// `/<dm_id>/<media_id>/<name>.<ext>`, the name 8 letters and digits (`hVJQTwig.jpg`). The
    /// emulator derives the name from the media id, so it is stable and not guessable from the
    /// id without this function, like X's.
    var resourceID: String {
        var mixed = mediaID &+ 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var name = ""
        for _ in 0..<8 {
            name.append(alphabet[Int(mixed % 62)])
            mixed /= 62
        }
        return name + "." + content.format.fileExtension
    }

    /// Where the bytes are downloaded, as attached to DM `dmID`, on an emulator at `baseURL`.
    func downloadURL(dmID: UInt64, baseURL: String) -> String {
        "\(baseURL)/2/dm_conversations/media/\(dmID)/\(mediaID)/\(resourceID)"
    }

    /// The URL events show for it: the given one, else the download URL.
    func url(dmID: UInt64, baseURL: String) -> String {
        givenURL ?? downloadURL(dmID: dmID, baseURL: baseURL)
    }

    /// The still image of a video or GIF (`preview_image_url`): the given URL, else a made-up
    /// `pbs.twimg.com` one (the emulator has no thumbnail to serve).
    var previewImageURL: String {
        givenURL ?? "https://pbs.twimg.com/dm_media/\(mediaID).jpg"
    }
}
