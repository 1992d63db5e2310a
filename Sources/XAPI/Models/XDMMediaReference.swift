/// Where X serves one DM's media to an authenticated participant:
/// `GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}`.
///
/// X gives no such triple in a DM event: the media's URL carries it in its last three path
/// segments, whether it is the download path itself or the legacy
/// `https://ton.twitter.com/1.1/ton/data/dm/{dm_id}/{media_id}/{resource_id}` form v1.1 gives.
public struct XDMMediaReference: Sendable, Hashable, CustomStringConvertible {
    public var dmId: String
    public var mediaId: String
    /// The media's file name on X (`AbCdEf12.jpg`).
    public var resourceId: String

    public init(dmId: String, mediaId: String, resourceId: String) {
        self.dmId = dmId
        self.mediaId = mediaId
        self.resourceId = resourceId
    }

    /// The reference a media URL of DM `dmId` carries, or nil when the URL is not one of X's DM
    /// media forms or names another DM (a URL from a message must not make the worker fetch
    /// someone else's media with the account's credentials).
    public init?(mediaURL: String, dmId: String) {
        let path = mediaURL.prefix { $0 != "?" && $0 != "#" }
        let segments: [Substring]
        if let range = path.range(of: "/2/dm_conversations/media/") {
            segments = path[range.upperBound...].split(separator: "/", omittingEmptySubsequences: false)
        } else if let range = path.range(of: "/ton/data/dm/") {
            segments = path[range.upperBound...].split(separator: "/", omittingEmptySubsequences: false)
        } else {
            return nil
        }
        guard segments.count == 3, segments[0] == dmId,
            segments.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(Self.isPlainByte) })
        else { return nil }
        self.init(dmId: String(segments[0]), mediaId: String(segments[1]), resourceId: String(segments[2]))
    }

    /// The request path.
    public var path: String { "/2/dm_conversations/media/\(dmId)/\(mediaId)/\(resourceId)" }

    /// The path on X's media host for OAuth 1.0a (`XAPI.defaultMediaBaseURL`).
    public var legacyPath: String { "/1.1/ton/data/dm/\(dmId)/\(mediaId)/\(resourceId)" }

    public var description: String { path }

    /// Letters, digits, `.`, `_` and `-`: nothing that changes the path's meaning.
    private static func isPlainByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
