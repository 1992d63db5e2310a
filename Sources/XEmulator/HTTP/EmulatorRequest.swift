/// One request as the emulator's handlers see it, independent of the HTTP server: the request
/// target as sent, header fields, and the whole body.
struct EmulatorRequest: Sendable {
    var method: String
    /// The path as sent, still percent-encoded, without the query.
    var path: String
    /// The query as sent (after `?`), still percent-encoded; `nil` when there is none.
    var query: String?
    /// Header fields with lowercased names, in order.
    var headers: [(String, String)]
    /// `host[:port]` the client addressed (the `Host` header).
    var authority: String?
    var body: [UInt8]

    init(method: String, target: String, headers: [(String, String)], authority: String?, body: [UInt8]) {
        self.method = method
        if let question = target.firstIndex(of: "?") {
            path = String(target[target.startIndex..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = target
            query = nil
        }
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.authority = authority
        self.body = body
    }

    /// The first value of a header field (name compared case-insensitively).
    func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.0 == key }?.1
    }

    /// The media type of the body, lowercased, without parameters (`application/json`).
    var mediaType: String? {
        header("content-type").map { $0.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: " \t").lowercased() }
    }

    /// `http://host[:port]` as the client addressed the emulator: the base of the URLs it hands
    /// out (media downloads), so a client can follow them whatever name it reached it by.
    var baseURL: String {
        "http://" + (authority ?? "localhost")
    }

    /// Decoded query pairs in order; `nil` when an escape is malformed.
    var queryPairs: [(String, String)]? {
        guard let query else { return [] }
        return PercentEncoding.formPairs(query[...])
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return String(result)
    }
}
