import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A client of `GET /2/activity/stream` over a plain socket, read on a thread of its own: the
/// status, and the de-chunked body split into envelope lines and keep-alives as they arrive.
final class StreamReader: Sendable {
    private struct State {
        var raw: [UInt8] = []
        var status: Int?
        var chunked = false
        var body: [UInt8] = []
        var closed = false
    }

    private let fd: Int32
    private let state = Mutex(State())

    init(port: Int, target: String, token: String) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("connect failed: errno \(errno)") }
        let request = Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                self.state.withLock { Self.consume(Array(buffer[0..<count]), into: &$0) }
            }
            self.state.withLock { $0.closed = true }
        }
        thread.start()
    }

    /// Closes the connection (the client leaving).
    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        #if canImport(Glibc)
            Glibc.close(fd)
        #else
            Darwin.close(fd)
        #endif
    }

    var status: Int? { state.withLock { $0.status } }
    var isClosed: Bool { state.withLock { $0.closed } }
    /// The body so far (for a refusal: the whole problem).
    var bodyText: String { state.withLock { String(decoding: $0.body, as: UTF8.self) } }

    /// Complete envelope lines so far, parsed.
    var envelopes: [[String: Any]] {
        segments.filter { !$0.isEmpty }.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// Keep-alive lines (`\r\n` alone) so far.
    var keepAlives: Int { segments.filter(\.isEmpty).count }

    /// The complete `\r\n`-terminated segments of the body.
    private var segments: [String] {
        let text = bodyText
        var parts = text.components(separatedBy: "\r\n")
        parts.removeLast()
        return parts
    }

    private static func consume(_ bytes: [UInt8], into state: inout State) {
        state.raw += bytes
        if state.status == nil {
            guard let end = find([13, 10, 13, 10], in: state.raw) else { return }
            let head = String(decoding: state.raw[0..<end], as: UTF8.self)
            state.status = Int(head.split(separator: " ").dropFirst().first ?? "")
            state.chunked = head.lowercased().contains("transfer-encoding: chunked")
            state.raw.removeFirst(end + 4)
        }
        guard state.chunked else {
            state.body += state.raw
            state.raw = []
            return
        }
        while let lineEnd = find([13, 10], in: state.raw) {
            guard let size = Int(String(decoding: state.raw[0..<lineEnd], as: UTF8.self), radix: 16) else { return }
            guard state.raw.count >= lineEnd + 2 + size + 2 else { return }
            state.body += state.raw[(lineEnd + 2)..<(lineEnd + 2 + size)]
            state.raw.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where Array(haystack[index..<(index + needle.count)]) == needle { return index }
        return nil
    }
}
