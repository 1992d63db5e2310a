/// Collects the header fields of the final response from the lines libcurl's header callback
/// delivers, one line per call, status lines included.
///
/// Each status line (`HTTP/1.1 100 Continue`, a followed redirect's `HTTP/2 302`) starts a new
/// response and drops the fields gathered so far, so only the last response's fields remain.
/// Obsolete line folding is joined into the previous value; trailer fields after a chunked body
/// arrive with no status line and are kept after the header fields.
struct ResponseHeaderParser: Sendable {
    private var fields: [(String, String)] = []

    /// The fields of the latest response, in order, repeated names kept.
    var headers: HTTPHeaders { HTTPHeaders(fields) }

    mutating func consume(line rawLine: String) {
        var line = Substring(rawLine)
        while line.last?.isNewline == true { line = line.dropLast() } // "\r\n" is one Character
        if line.hasPrefix("HTTP/") {
            fields.removeAll(keepingCapacity: true)
            return
        }
        guard let first = line.first else { return } // the blank line ending a header block
        if first == " " || first == "\t" {
            guard let index = fields.indices.last else { return }
            let continuation = String(line).trimmingHTTPWhitespace
            fields[index].1 = fields[index].1.isEmpty ? continuation : fields[index].1 + " " + continuation
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return } // not a field: ignore, as browsers do
        let name = String(line[..<colon]).trimmingHTTPWhitespace
        guard !name.isEmpty else { return }
        fields.append((name, String(line[line.index(after: colon)...]).trimmingHTTPWhitespace))
    }
}
