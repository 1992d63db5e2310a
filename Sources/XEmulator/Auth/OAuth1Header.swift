/// The parameters of an `Authorization: OAuth ...` header (RFC 5849 §3.5.1), values percent-decoded.
struct OAuth1Header: Sendable, Equatable {
    var consumerKey: String
    var token: String
    var signatureMethod: String
    var timestamp: String
    var nonce: String
    var signature: String
    /// Every `oauth_*` parameter except `oauth_signature` (and `realm`), as they go into the base string.
    var signedParameters: [(String, String)]

    static func == (lhs: OAuth1Header, rhs: OAuth1Header) -> Bool {
        lhs.consumerKey == rhs.consumerKey && lhs.token == rhs.token && lhs.signature == rhs.signature
            && lhs.nonce == rhs.nonce && lhs.timestamp == rhs.timestamp
    }

    /// Why a header could not be used.
    enum Failure: Error, Equatable {
        /// Not an `OAuth` header at all.
        case notOAuth
        /// Malformed, a required parameter missing or repeated, or an unsupported method or version.
        case invalid(String)
    }

    static func parse(_ header: String) throws(Failure) -> OAuth1Header {
        let trimmed = header.drop { $0 == " " }
        guard trimmed.count > 6, trimmed.prefix(6).lowercased() == "oauth " else { throw .notOAuth }
        var rest = trimmed.dropFirst(6)[...]
        var parameters: [String: String] = [:]
        var ordered: [(String, String)] = []
        while true {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            if rest.isEmpty { break }
            guard let equals = rest.firstIndex(of: "=") else { throw .invalid("a parameter without a value") }
            let name = rest[rest.startIndex..<equals].trimmingSuffix(" ")
            rest = rest[rest.index(after: equals)...].drop { $0 == " " }
            guard rest.first == "\"" else { throw .invalid("the value of \(name) is not quoted") }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else { throw .invalid("the value of \(name) is not closed") }
            guard let value = PercentEncoding.decode(rest[rest.startIndex..<close], plusIsSpace: false),
                let decodedName = PercentEncoding.decode(name, plusIsSpace: false)
            else { throw .invalid("a bad percent-escape in \(name)") }
            rest = rest[rest.index(after: close)...]
            if decodedName == "realm" { continue }
            guard parameters[decodedName] == nil else { throw .invalid("\(decodedName) is repeated") }
            parameters[decodedName] = value
            if decodedName != "oauth_signature" { ordered.append((decodedName, value)) }
        }
        func required(_ name: String) throws(Failure) -> String {
            guard let value = parameters[name], !value.isEmpty else { throw .invalid("\(name) is missing") }
            return value
        }
        let method = try required("oauth_signature_method")
        guard method == "HMAC-SHA1" else { throw .invalid("unsupported oauth_signature_method") }
        if let version = parameters["oauth_version"], version != "1.0" { throw .invalid("unsupported oauth_version") }
        return OAuth1Header(
            consumerKey: try required("oauth_consumer_key"),
            token: try required("oauth_token"),
            signatureMethod: method,
            timestamp: try required("oauth_timestamp"),
            nonce: try required("oauth_nonce"),
            signature: try required("oauth_signature"),
            signedParameters: ordered
        )
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ character: Character) -> Substring {
        var result = self
        while result.last == character { result = result.dropLast() }
        return result
    }
}
