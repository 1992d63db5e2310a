import struct Foundation.Data

/// A request checked and turned into what libcurl needs, before it reaches the transfer thread:
/// every decision about options is made here, as plain values, so it is tested without a network
/// and a bad request fails on the caller's task with nothing sent.
struct PreparedRequest: Sendable {
    /// How the method reaches libcurl, which treats GET, HEAD and bodies specially.
    enum Verb: Sendable, Hashable {
        /// `CURLOPT_HTTPGET`.
        case get
        /// `CURLOPT_NOBODY`: a HEAD request, whose response has no body to wait for.
        case head
        /// `CURLOPT_POST` with the body; `customName` (PUT, PATCH, ...) replaces the word POST.
        case send(customName: String?)
        /// `CURLOPT_CUSTOMREQUEST` without a body (DELETE, OPTIONS, ...).
        case custom(String)
    }

    let target: RequestTarget
    /// The method's name, for logs.
    let method: String
    let verb: Verb
    /// False for POST, PATCH and unknown methods (RFC 9110, 9.2.2): sending one twice may act
    /// twice, so it goes out on a connection of its own (see `Transfer`).
    let isIdempotent: Bool
    /// Sent with `CURLOPT_POSTFIELDSIZE_LARGE` + `CURLOPT_COPYPOSTFIELDS` when the verb is `.send`.
    let body: Data
    /// `Name: value` lines for `CURLOPT_HTTPHEADER`, including the ones that switch off libcurl's
    /// defaults (`Expect:`, `Content-Type:`).
    let headerLines: [String]
    let connectTimeout: Duration
    let timeout: Duration
    let maxResponseSize: Int
    /// `CURLOPT_RESOLVE` entries (`HTTPRequest.pinnedAddresses`).
    let pinnedAddresses: [String]
    /// `HTTPRequest.receiveBody`: a 2xx body goes there piece by piece.
    let receiveBody: (@Sendable (Data) -> Void)?
    /// `CURLOPT_LOW_SPEED_TIME` in whole seconds (at least 1) with a limit of one byte a second.
    let stallSeconds: Int?

    init(_ request: HTTPRequest, configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        target = try RequestTarget(validating: request.url)

        method = request.method.rawValue
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest(reason: "the method \"\(method)\" is not an HTTP token")
        }
        isIdempotent = Self.idempotentMethods.contains(method)
        // Methods that carry a body send one even when empty, so the server sees Content-Length: 0.
        let bodyMethods: Set<String> = ["POST", "PUT", "PATCH"]
        if request.body != nil || bodyMethods.contains(method) {
            verb = .send(customName: method == "POST" ? nil : method)
            body = request.body ?? Data()
        } else {
            verb = method == "GET" ? .get : method == "HEAD" ? .head : .custom(method)
            body = Data()
        }

        var lines: [String] = []
        for (name, value) in request.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest(reason: "the header name \"\(name)\" is not an HTTP token")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                // The value is not echoed: it may be a credential.
                throw .invalidRequest(reason: "the value of header \(name) contains a line break or NUL")
            }
            // libcurl reads "Name:" as "remove this header"; "Name;" sends it with an empty value.
            let trimmed = value.trimmingHTTPWhitespace
            lines.append(trimmed.isEmpty ? "\(name);" : "\(name): \(trimmed)")
        }
        // A body is sent at once, never after waiting for "100 Continue".
        if !request.headers.contains("Expect") { lines.append("Expect:") }
        // libcurl would label a body application/x-www-form-urlencoded; send only what was asked.
        if case .send = verb, !request.headers.contains("Content-Type") { lines.append("Content-Type:") }
        headerLines = lines

        connectTimeout = request.connectTimeout ?? configuration.connectTimeout
        timeout = request.timeout ?? configuration.timeout
        guard connectTimeout > .zero, timeout > .zero else {
            throw .invalidRequest(reason: "timeouts must be positive (connect \(connectTimeout), total \(timeout))")
        }
        maxResponseSize = request.maxResponseSize ?? configuration.maxResponseSize
        guard maxResponseSize > 0 else { throw .invalidRequest(reason: "maxResponseSize must be positive (got \(maxResponseSize))") }
        for entry in request.pinnedAddresses {
            // host:port:address, as libcurl parses it; an entry it cannot parse is silently ignored
            // by libcurl, which would let the name resolve after all.
            let fields = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, !fields[0].isEmpty, UInt16(fields[1]) != nil, !fields[2].isEmpty,
                !entry.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F })
            else {
                throw .invalidRequest(reason: "a pinned address must read host:port:address (got \(entry.prefix(100)))")
            }
        }
        pinnedAddresses = request.pinnedAddresses
        receiveBody = request.receiveBody
        if let stall = request.stallTimeout {
            guard stall > .zero else { throw .invalidRequest(reason: "stallTimeout must be positive (got \(stall))") }
            stallSeconds = max(1, Int(stall.roundedUpMilliseconds + 999) / 1000)
        } else {
            stallSeconds = nil
        }
    }

    /// RFC 9110, 9.2.2: the methods whose repetition has the effect of one request.
    static let idempotentMethods: Set<String> = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]

    /// RFC 9110 `tchar`: the bytes allowed in a method or a header name.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
