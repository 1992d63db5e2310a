import Foundation

/// Resolves a host name to its addresses with the system resolver (`getaddrinfo`, which reads
/// `/etc/hosts` and DNS as every program on the host does). It blocks, so it runs on a thread of
/// its own, never on Swift's cooperative pool.
public struct HostLookup: Sendable {
    /// Resolves `host` (a name or a numeric address) to its addresses, 4 or 16 bytes each.
    public var addresses: @Sendable (_ host: String) async throws(ReplyMediaError) -> [[UInt8]]

    public init(addresses: @escaping @Sendable (_ host: String) async throws(ReplyMediaError) -> [[UInt8]]) {
        self.addresses = addresses
    }

    /// The system resolver.
    public static let system = HostLookup { host throws(ReplyMediaError) in
        let result: Result<[[UInt8]], ReplyMediaError> = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: resolve(host)) }
            thread.name = "kiamo.host-lookup"
            thread.start()
        }
        return try result.get()
    }

    private static func resolve(_ host: String) -> Result<[[UInt8]], ReplyMediaError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            let message = String(cString: gai_strerror(status))
            // EAI_NONAME: the name does not exist, which a retry will not change.
            if status == EAI_NONAME { return .failure(.unavailable("the attachment's host does not resolve (\(message))")) }
            return .failure(.transient("resolving the attachment's host failed (\(message))"))
        }
        var addresses: [[UInt8]] = []
        var cursor = list
        while let entry = cursor?.pointee {
            if let socket = entry.ai_addr {
                switch Int32(entry.ai_family) {
                case AF_INET:
                    socket.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        var address = v4.pointee.sin_addr
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    }
                case AF_INET6:
                    socket.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        var address = v6.pointee.sin6_addr
                        addresses.append(withUnsafeBytes(of: &address) { Array($0) })
                    }
                default:
                    break
                }
            }
            cursor = entry.ai_next
        }
        var unique: [[UInt8]] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        guard !unique.isEmpty else { return .failure(.unavailable("the attachment's host has no address")) }
        return .success(unique)
    }
}
