/// Media attached to a DM the control API or a seed posts: X would have it uploaded already, the
/// emulator only needs what `includes.media` and the v1.1 `attachment` describe.
public struct DMAttachment: Sendable, Equatable, Codable {
    /// `photo`, `video` or `animated_gif`.
    public var type: String
    public var url: String?
    public var width: Int?
    public var height: Int?
    public var altText: String?

    public init(type: String = "photo", url: String? = nil, width: Int? = nil, height: Int? = nil, altText: String? = nil) {
        self.type = type
        self.url = url
        self.width = width
        self.height = height
        self.altText = altText
    }

    /// The prefix X puts before the media id in a media key.
    var keyPrefix: String {
        switch type {
        case "video": "7"
        case "animated_gif": "16"
        default: "3"
        }
    }
}
