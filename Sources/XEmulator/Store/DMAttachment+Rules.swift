import XEmulatorControl

/// The emulator's checks of media the control API or a seed attaches, and the bytes it stores.
extension DMAttachment {
    /// The size of placeholder bytes, for callers that describe media without giving any.
    static let placeholderSize = 2048

    /// The bytes to store, checked as X would have checked them when the customer uploaded them:
    /// a known type, a format that type allows, at most the DM limit of the type.
    func content() throws(EmulatorStoreError) -> MediaContent {
        guard let category = MediaCategory.directMessage(mediaType: type) else {
            throw .invalidAttachment("type \(type) is not photo, video or animated_gif")
        }
        var declared: MediaFormat?
        if let contentType {
            guard let format = MediaFormat(rawValue: contentType.lowercased()) else {
                throw .invalidAttachment("contentType \(contentType) is not one of \(MediaFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            declared = format
        }
        let content: MediaContent
        switch (data, bytes) {
        case (_?, _?):
            throw .invalidAttachment("give data or bytes, not both")
        case (let text?, nil):
            guard let bytes = Base64.decode(text) else { throw .invalidAttachment("data is not valid base64") }
            let sniffed = MediaFormat.sniff(bytes)
            if let declared, let sniffed, declared != sniffed {
                throw .invalidAttachment("data is \(sniffed.rawValue), not the contentType \(declared.rawValue)")
            }
            guard let format = declared ?? sniffed else {
                throw .invalidAttachment("data is not a JPEG, PNG, GIF, WEBP, MP4 or MOV file: give its contentType")
            }
            content = MediaContent(bytes: bytes, format: format)
        case (nil, let size?):
            guard size >= 1 else { throw .invalidAttachment("bytes must be at least 1") }
            content = MediaContent(generated: size, format: declared ?? category.formats[0])
        case (nil, nil):
            content = MediaContent(generated: Self.placeholderSize, format: declared ?? category.formats[0])
        }
        guard category.formats.contains(content.format) else {
            throw .invalidAttachment("a \(type) cannot be \(content.format.rawValue); X allows \(category.formats.map(\.rawValue).joined(separator: ", "))")
        }
        guard Int64(content.count) <= category.maximumBytes else {
            throw .invalidAttachment("a \(type) of \(content.count) bytes is over X's limit of \(category.maximumBytes) bytes")
        }
        return content
    }
}
