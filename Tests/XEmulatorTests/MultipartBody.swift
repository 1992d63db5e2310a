import Foundation

/// A multipart/form-data body as clients send uploads: text fields and file parts, raw or base64.
struct MultipartBody: Sendable {
    let boundary = "kiamo-test-\(UUID().uuidString)"
    private(set) var data = Data()

    /// A text field.
    mutating func field(_ name: String, _ value: String) {
        data.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }

    /// A file part: raw bytes, or base64 text with `Content-Transfer-Encoding: base64`.
    mutating func file(_ name: String, _ bytes: [UInt8], filename: String = "blob", type: String = "application/octet-stream", base64: Bool = false) {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n"
        if base64 { head += "Content-Transfer-Encoding: base64\r\n" }
        data.append(Data((head + "\r\n").utf8))
        data.append(base64 ? Data(Data(bytes).base64EncodedString(options: .lineLength76Characters).utf8) : Data(bytes))
        data.append(Data("\r\n".utf8))
    }

    /// The body with its closing delimiter.
    var finished: Data { data + Data("--\(boundary)--\r\n".utf8) }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

extension HarnessClient {
    /// Posts a multipart body (OAuth 1.0a signs only the query: a multipart body is not signed).
    func postMultipart(_ target: String, _ body: MultipartBody, auth: TestAuth = .oauth1) async throws -> Reply {
        try await send("POST", target, body: body.finished, contentType: body.contentType, auth: auth)
    }

    /// Uploads `bytes` in chunks of `chunk` bytes (initialize, appends as multipart, finalize);
    /// returns the media id and finalize's reply.
    func uploadInChunks(
        _ bytes: [UInt8], mediaType: String, category: String, chunk: Int = 1000, shared: Bool = false, auth: TestAuth = .oauth1
    ) async throws -> (id: String, finalize: Reply) {
        let initialize = try await postJSON(
            "/2/media/upload/initialize", #"{"media_type":"\#(mediaType)","total_bytes":\#(bytes.count),"media_category":"\#(category)","shared":\#(shared)}"#, auth: auth)
        guard initialize.status == 200, let id = (initialize.json["data"] as? [String: Any])?["id"] as? String else {
            throw HarnessError("initialize failed: \(initialize.status) \(initialize.text)")
        }
        for (index, start) in stride(from: 0, to: bytes.count, by: chunk).enumerated() {
            var body = MultipartBody()
            body.field("segment_index", String(index))
            body.file("media", Array(bytes[start..<min(start + chunk, bytes.count)]))
            let append = try await postMultipart("/2/media/upload/\(id)/append", body, auth: auth)
            guard append.status == 200 else { throw HarnessError("append \(index) failed: \(append.status) \(append.text)") }
        }
        return (id, try await send("POST", "/2/media/upload/\(id)/finalize", auth: auth))
    }
}
