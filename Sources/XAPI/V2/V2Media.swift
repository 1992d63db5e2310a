/// A v2 `Media` of `includes.media`; a media without a key cannot be referred to and is dropped.
struct V2Media: Decodable, Sendable {
    var mediaKey: String?
    var type: String?
    var url: String?
    var previewImageURL: String?

    private enum CodingKeys: String, CodingKey {
        case type, url
        case mediaKey = "media_key"
        case previewImageURL = "preview_image_url"
    }

    var media: XMedia? {
        mediaKey.map { XMedia(mediaKey: $0, type: type ?? "", url: url, previewImageURL: previewImageURL) }
    }
}
