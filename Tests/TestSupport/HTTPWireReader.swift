import CurlHTTP
import Foundation

/// Reads HTTP/1.1 requests off one connection of `LoopbackHTTPServer`: request line, header
/// fields, then a body delimited by `Content-Length` or `Transfer-Encoding: chunked`. Blocking;
/// runs on the connection's own thread.
struct HTTPWireReader {
    enum Outcome {
        case request(LoopbackHTTPServer.Request, keepAlive: Bool)
        /// The peer closed the connection (or it broke) between requests.
        case closed
        /// The bytes are not HTTP (a TLS ClientHello, garbage): answer 400 and close.
        case malformed
    }

    let fd: Int32
    let connectionNumber: Int
    private var buffer: [UInt8] = []
    private static let headLimit = 64 * 1024

    init(fd: Int32, connectionNumber: Int) {
        self.fd = fd
        self.connectionNumber = connectionNumber
    }

    mutating func next() -> Outcome {
        // Request head: up to the blank line. A first byte that cannot start a method means the
        // peer is not speaking HTTP; say so at once instead of waiting for a blank line.
        var headEnd: Int?
        while headEnd == nil {
            if let first = buffer.first, !Self.isTokenByte(first) { return .malformed }
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
            if headEnd == nil {
                guard buffer.count < Self.headLimit else { return .malformed }
                guard LoopbackSocket.read(fd, into: &buffer) else { return .closed }
            }
        }
        guard let headEnd else { return .closed }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)

        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { return .malformed }
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .malformed }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }

        if headers["Expect"]?.lowercased() == "100-continue" {
            LoopbackSocket.write(fd, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let body: [UInt8]
        if headers["Transfer-Encoding"]?.lowercased().contains("chunked") == true {
            guard let chunked = readChunkedBody() else { return .closed }
            body = chunked
        } else if let lengthText = headers["Content-Length"] {
            guard let length = Int(lengthText), length >= 0 else { return .malformed }
            guard let fixed = readExactly(length) else { return .closed }
            body = fixed
        } else {
            body = []
        }

        let connection = headers["Connection"]?.lowercased() ?? ""
        let keepAlive = requestLine[2] == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        let request = LoopbackHTTPServer.Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
            body: Data(body), connectionNumber: connectionNumber
        )
        return .request(request, keepAlive: keepAlive)
    }

    private mutating func readExactly(_ count: Int) -> [UInt8]? {
        while buffer.count < count {
            guard LoopbackSocket.read(fd, into: &buffer) else { return nil }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    private mutating func readLine() -> String? {
        while true {
            if let end = Self.find([13, 10], in: buffer) {
                defer { buffer.removeFirst(end + 2) }
                return String(decoding: buffer[0..<end], as: UTF8.self)
            }
            guard LoopbackSocket.read(fd, into: &buffer) else { return nil }
        }
    }

    private mutating func readChunkedBody() -> [UInt8]? {
        var body: [UInt8] = []
        while true {
            guard let sizeLine = readLine(),
                let size = Int(sizeLine.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces), radix: 16)
            else { return nil }
            if size == 0 {
                // Trailer fields, if any, up to the blank line.
                while let trailer = readLine(), !trailer.isEmpty {}
                return body
            }
            guard let chunk = readExactly(size + 2) else { return nil }
            body.append(contentsOf: chunk.prefix(size))
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !"\"(),/:;<=>?@[\\]{}".utf8.contains(byte)
    }
}
