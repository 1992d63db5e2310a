import Foundation

/// The content types media are stored and served as.
///
/// X's DMs carry photos (JPEG, PNG, WebP, GIF), animated GIFs and videos (MP4). Anything a
/// browser would run or render as a document on the media host (HTML, SVG, XML, JavaScript) is
/// refused: a customer must not be able to put a page where agents click.
public enum MediaTypes {
    /// True when `contentType` (parameters ignored) may be stored and served.
    public static func isStorable(_ contentType: String) -> Bool {
        let type = essence(contentType)
        guard !type.isEmpty, !refused.contains(type) else { return false }
        return type.hasPrefix("image/") || type.hasPrefix("video/") || type.hasPrefix("audio/") || documents.contains(type)
    }

    /// The type without parameters, lowercased: `image/JPEG; q=1` is `image/jpeg`.
    public static func essence(_ contentType: String) -> String {
        String(contentType.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// The kind the Kiamo message's text line names (`[photo]`, `[video]`, `[file]`).
    public static func kind(of contentType: String) -> String {
        let type = essence(contentType)
        if type == "image/gif" { return "gif" }
        if type.hasPrefix("image/") { return "photo" }
        if type.hasPrefix("video/") { return "video" }
        return "file"
    }

    static let refused: Set<String> = ["image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/javascript", "application/javascript"]
    static let documents: Set<String> = ["application/pdf", "application/octet-stream", "text/plain"]
}
