import MediaStore

/// The lines a message's text gets for its media, because Kiamo shows the text and not the
/// attachments: `media.textTemplate` for each item with a link, a plain note for one without.
/// Pure.
public struct AttachmentLines: Sendable {
    /// `{kind}`, `{url}`, `{type}`, `{size}`.
    public let template: String

    public init(template: String) {
        self.template = template
    }

    /// The line of one item: its kind (`photo`, ...), its link when it has one, what became of it.
    public func line(kind: String, url: String?, outcome: AttachmentOutcome) -> String {
        switch outcome {
        case .available(let media):
            return render(kind: kind, url: url ?? "", type: media.contentType, size: "\(media.size)")
        case .pending(let reason):
            let shown = url.map { render(kind: kind, url: $0, type: "", size: "") } ?? "[\(kind)]"
            return "\(shown) (not available yet: \(reason); the link works once it is fetched)"
        case .unavailable(let reason):
            return "[\(kind) not available: \(reason)]"
        }
    }

    /// `text` followed by `lines`, one per line (the lines alone when the DM had no text).
    public func content(_ text: String, adding lines: [String]) -> String {
        guard !lines.isEmpty else { return text }
        let joined = lines.joined(separator: "\n")
        return text.isEmpty ? joined : text + "\n" + joined
    }

    /// The kind a line names for X's media type (`photo`, `animated_gif`, `video`), or for a
    /// stored file's content type when X's is unknown.
    public static func kind(xType: String, contentType: String? = nil) -> String {
        switch xType {
        case "photo": return "photo"
        case "animated_gif": return "gif"
        case "video": return "video"
        default: return contentType.map(MediaTypes.kind(of:)) ?? "file"
        }
    }

    /// One pass over the template (`PlaceholderTemplate`): a URL holding `{kind}` stays as it is.
    private func render(kind: String, url: String, type: String, size: String) -> String {
        PlaceholderTemplate(text: template).render(["kind": kind, "url": url, "type": type, "size": size])
    }
}
