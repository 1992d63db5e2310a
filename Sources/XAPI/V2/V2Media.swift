/// A v2 `Media` of `includes.media`; a media without a key cannot be referred to and is dropped.
struct V2Media: Decodable, Sendable {
    var mediaKey: String?
    var type: String?
    var url: String?
    var previewImageURL: String?
    /// A video's or GIF's files (`{bit_rate, content_type, url}`); a variant X wrote badly is dropped.
    var variants: [LossyElement<V2MediaVariant>]?

    private enum CodingKeys: String, CodingKey {
        case type, url, variants
        case mediaKey = "media_key"
        case previewImageURL = "preview_image_url"
    }

    var media: XMedia? {
        mediaKey.map { key in
            XMedia(
                mediaKey: key, type: type ?? "", url: url, previewImageURL: previewImageURL,
                variants: (variants ?? []).compactMap(\.value).compactMap(\.variant))
        }
    }
}

/// One file of a v2 video or GIF.
struct V2MediaVariant: Decodable, Sendable {
    var url: String?
    var contentType: String?
    var bitRate: Int?

    private enum CodingKeys: String, CodingKey {
        case url
        case contentType = "content_type"
        case bitRate = "bit_rate"
    }

    var variant: XMedia.Variant? {
        url.map { XMedia.Variant(url: $0, contentType: contentType, bitRate: bitRate) }
    }
}
