import Foundation

/// A `multipart/form-data` body (RFC 7578) split into its parts: how media uploads arrive. Only
/// what uploads use is read: each part's name, file name, type and transfer encoding, and its
/// bytes exactly as sent (a file's bytes are not text).
struct MultipartForm: Sendable {
    /// One part: a form field or a file.
    struct Part: Sendable {
        /// The `name` of its `Content-Disposition`.
        var name: String
        /// The `filename` of its `Content-Disposition`, for a file.
        var filename: String?
        /// Its `Content-Type`, lowercased, without parameters.
        var contentType: String?
        /// Its `Content-Transfer-Encoding`, lowercased (`base64` for base64 text).
        var transferEncoding: String?
        var body: [UInt8]
    }

    var parts: [Part]

    /// The parts of `body` sent with `contentType` (the request's full `Content-Type`, with its
    /// `boundary`); `nil` when there is no boundary or the body does not follow it (no opening
    /// delimiter, a part without headers, a part without a name, no closing delimiter).
    static func parse(_ body: [UInt8], contentType: String) -> MultipartForm? {
        guard let boundary = parameters(of: contentType)["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var cursor = find(delimiter, in: body, from: 0).map({ $0 + delimiter.count }) else { return nil }
        var parts: [Part] = []
        while true {
            // After a delimiter: `--` closes the body; otherwise a line break opens a part.
            if body[cursor...].starts(with: [45, 45]) { return MultipartForm(parts: parts) }
            guard body[cursor...].starts(with: crlf) else { return nil }
            cursor += 2
            guard let headerEnd = find(crlf + crlf, in: body, from: cursor), let next = find(crlf + delimiter, in: body, from: headerEnd + 4) else { return nil }
            guard var part = part(headers: String(decoding: body[cursor..<headerEnd], as: UTF8.self)) else { return nil }
            part.body = Array(body[headerEnd + 4..<next])
            parts.append(part)
            cursor = next + 2 + delimiter.count
        }
    }

    /// Where `needle` first starts in `haystack` at or after `start`. `memchr` finds each
    /// candidate first byte, so a file of megabytes is scanned at memory speed, even unoptimised.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            var offset = start
            while offset + needle.count <= buffer.count {
                guard let hit = memchr(base + offset, Int32(first), buffer.count - offset) else { return nil }
                let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                guard position + needle.count <= buffer.count else { return nil }
                if memcmp(base + position, needle, needle.count) == 0 { return position }
                offset = position + 1
            }
            return nil
        }
    }

    /// A part's fields from its header lines; `nil` without a form-data name.
    private static func part(headers: String) -> Part? {
        var disposition: [String: String] = [:]
        var type: String?
        var encoding: String?
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].trimmingCharacters(in: " \t").lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            switch name {
            case "content-disposition":
                guard value.lowercased().hasPrefix("form-data") else { return nil }
                disposition = parameters(of: value)
            case "content-type":
                type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: " \t").lowercased() }
            case "content-transfer-encoding":
                encoding = value.lowercased()
            default:
                break
            }
        }
        guard let name = disposition["name"] else { return nil }
        return Part(name: name, filename: disposition["filename"], contentType: type, transferEncoding: encoding, body: [])
    }

    /// The `key=value` parameters after the first `;` of a header value (values may be quoted,
    /// with `\` escapes); keys lowercased.
    static func parameters(of value: String) -> [String: String] {
        var result: [String: String] = [:]
        var characters = Substring(value)
        guard let first = characters.firstIndex(of: ";") else { return result }
        characters = characters[characters.index(after: first)...]
        while !characters.isEmpty {
            characters = characters.drop { $0 == " " || $0 == "\t" || $0 == ";" }
            guard let equals = characters.firstIndex(of: "=") else { break }
            let key = characters[..<equals].trimmingCharacters(in: " \t").lowercased()
            characters = characters[characters.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            var parsed = ""
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var escaped = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if escaped {
                        parsed.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        parsed.append(character)
                    }
                }
                characters = characters.drop { $0 != ";" }
            } else {
                let end = characters.firstIndex(of: ";") ?? characters.endIndex
                parsed = characters[..<end].trimmingCharacters(in: " \t")
                characters = characters[end...]
            }
            if !key.isEmpty, result[key] == nil { result[key] = parsed }
        }
        return result
    }
}
