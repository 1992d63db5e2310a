/// What a file is, from its first bytes: X serves DM media as `application/octet-stream`, and a
/// content type the store serves must be the file's own, not what a sender claims.
public enum MediaSniffer {
    /// The content type of `bytes` when its signature is one of the formats X's DMs carry (JPEG,
    /// PNG, GIF, WebP, MP4, QuickTime); else `declared` when it names a storable type other than
    /// `application/octet-stream`; else `application/octet-stream` (served as a download).
    public static func contentType(of bytes: some Collection<UInt8>, declared: String?) -> String {
        let head = Array(bytes.prefix(16))
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
        }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("ftypqt".utf8), at: 4) { return "video/quicktime" }
        if starts(Array("ftyp".utf8), at: 4) { return "video/mp4" }
        if let declared, MediaTypes.essence(declared) != "application/octet-stream", MediaTypes.isStorable(declared) {
            return MediaTypes.essence(declared)
        }
        return "application/octet-stream"
    }
}
