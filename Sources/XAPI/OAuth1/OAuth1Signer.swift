import Crypto
import Foundation

/// Signs requests with OAuth 1.0a HMAC-SHA1 (RFC 5849) the way X verifies them.
///
/// Pure: the clock and the nonce are injected, so a given request, time and nonce always sign the
/// same way (the tests check X's documented example). The base string holds every query parameter
/// and every `application/x-www-form-urlencoded` body parameter; a JSON body is not signed.
public struct OAuth1Signer: Sendable, CustomReflectable {
    /// The credentials requests are signed with (masked when printed).
    public let credentials: OAuth1Credentials
    private let clock: @Sendable () -> Date
    private let makeNonce: @Sendable () -> String

    /// - Parameters:
    ///   - clock: the current time, for `oauth_timestamp`.
    ///   - nonce: a fresh unique value per request, for `oauth_nonce`.
    public init(
        credentials: OAuth1Credentials,
        clock: @escaping @Sendable () -> Date = { Date() },
        nonce: @escaping @Sendable () -> String = { OAuth1Signer.randomNonce() }
    ) {
        self.credentials = credentials
        self.clock = clock
        self.makeNonce = nonce
    }

    /// The `Authorization` header value for `method url`, with `formParameters` the decoded
    /// fields of a form-encoded body (none for a JSON body or no body).
    ///
    /// Throws `XAPIError.invalidArgument` when `url` is not an absolute http(s) URL with a valid query.
    public func authorizationHeader(method: String, url: String, formParameters: [(name: String, value: String)] = []) throws -> String {
        try steps(method: method, url: url, formParameters: formParameters).authorizationHeader
    }

    /// Every step of the signature, with the injected clock and nonce unless `timestamp` or
    /// `nonce` are given (the command-line tester's `--timestamp` and `--nonce`).
    public func steps(
        method: String,
        url: String,
        formParameters: [(name: String, value: String)] = [],
        timestamp: String? = nil,
        nonce: String? = nil
    ) throws -> OAuth1SignatureSteps {
        let (normalizedURL, queryParameters) = try Self.split(url: url)
        let oauthParameters: [(name: String, value: String)] = [
            ("oauth_consumer_key", credentials.consumerKey),
            ("oauth_nonce", nonce ?? makeNonce()),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", timestamp ?? String(Int(clock().timeIntervalSince1970))),
            ("oauth_token", credentials.oauthToken),
            ("oauth_version", "1.0"),
        ]
        let encoded = (queryParameters + formParameters + oauthParameters)
            .map { (name: PercentEncoding.encode($0.name), value: PercentEncoding.encode($0.value)) }
            .sorted { $0.name == $1.name ? $0.value.utf8.lexicographicallyPrecedes($1.value.utf8) : $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let parameterString = encoded.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let upperMethod = method.uppercased()
        let baseString = [upperMethod, normalizedURL, parameterString].map(PercentEncoding.encode).joined(separator: "&")

        let signingKey = PercentEncoding.encode(credentials.consumerSecret) + "&" + PercentEncoding.encode(credentials.oauthTokenSecret)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(baseString.utf8), using: SymmetricKey(data: Data(signingKey.utf8)))
        let signature = Data(mac).base64EncodedString()

        let headerFields = (oauthParameters + [("oauth_signature", signature)])
            .sorted { $0.name < $1.name }
            .map { "\(PercentEncoding.encode($0.name))=\"\(PercentEncoding.encode($0.value))\"" }
        return OAuth1SignatureSteps(
            method: upperMethod,
            normalizedURL: normalizedURL,
            parameterString: parameterString,
            baseString: baseString,
            signature: signature,
            authorizationHeader: "OAuth " + headerFields.joined(separator: ", ")
        )
    }

    /// Reflects the (masked) credentials only.
    public var customMirror: Mirror { Mirror(self, children: ["credentials": credentials]) }

    /// 32 random alphanumeric characters: unique enough that X never sees a nonce twice.
    public static func randomNonce() -> String {
        // Written as bytes straight into the string: one nonce per X call, and the array of
        // `Character`s this used to build cost a fifth of the whole signature.
        var generator = SystemRandomNumberGenerator()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for index in 0..<32 {
                buffer[index] = nonceAlphabet[Int(generator.next(upperBound: UInt(nonceAlphabet.count)))]
            }
            return 32
        }
    }

    private static let nonceAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Splits `url` into its normalized base (RFC 5849 §3.4.1.2) and its decoded query parameters.
    static func split(url: String) throws -> (normalizedURL: String, query: [(name: String, value: String)]) {
        func invalid(_ reason: String) -> XAPIError {
            .invalidArgument(operation: .signRequest, argument: "url", reason: reason)
        }
        guard let schemeEnd = url.range(of: "://") else { throw invalid("not an absolute URL") }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw invalid("scheme must be http or https") }

        var rest = url[schemeEnd.upperBound...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        var query: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...].isEmpty ? "/" : String(rest[authorityEnd...])
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }

        // The port follows the last colon outside an IPv6 literal's brackets.
        var host = authority
        var port: Substring?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("no host") }
        var normalized = "\(scheme)://\(host.lowercased())"
        if let port, !port.isEmpty, !(scheme == "http" && port == "80"), !(scheme == "https" && port == "443") {
            normalized += ":\(port)"
        }
        normalized += path

        guard let parameters = PercentEncoding.parseForm(String(query)) else { throw invalid("malformed percent-encoding in the query") }
        return (normalized, parameters)
    }
}
