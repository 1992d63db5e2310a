import Foundation

/// An IPv4 or IPv6 address range (`10.0.0.0/8`, `fd00::/8`, or one address), and which
/// addresses are public: what the dispatch worker checks before it connects to a URL it was
/// given, so a send command cannot point it at an internal service.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// The network's address, 4 or 16 bytes.
    public let address: [UInt8]
    public let prefixLength: Int

    /// `text` in CIDR notation, or a single address; nil when it is neither.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.parse(String(parts[0])) else { return nil }
        let bits = address.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let given = Int(parts[1]), (0...bits).contains(given) else { return nil }
            prefix = given
        }
        self.init(address: address, prefixLength: prefix)
    }

    init(address: [UInt8], prefixLength: Int) {
        // Host bits cleared, so equal networks compare equal.
        var masked = address
        for index in masked.indices {
            let keep = max(0, min(8, prefixLength - index * 8))
            masked[index] &= keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
        self.address = masked
        self.prefixLength = prefixLength
    }

    public var description: String { "\(Self.format(address))/\(prefixLength)" }

    /// Whether `address` (4 or 16 bytes) lies in the range. An IPv4-mapped IPv6 address
    /// (`::ffff:10.0.0.1`) is taken as the IPv4 address it carries.
    public func contains(_ address: [UInt8]) -> Bool {
        let candidate = Self.unmapped(address)
        guard candidate.count == self.address.count else { return false }
        return IPNetwork(address: candidate, prefixLength: prefixLength).address == self.address
    }

    /// Whether `address` is reachable on the public internet: not loopback, private, shared
    /// (carrier NAT), link-local, documentation, benchmarking, multicast, reserved, or an IPv6
    /// form that embeds an IPv4 address (NAT64, 6to4, Teredo), which could lead anywhere.
    public static func isPublic(_ address: [UInt8]) -> Bool {
        let candidate = unmapped(address)
        return !nonPublic.contains { $0.contains(candidate) }
    }

    /// The ranges `isPublic` refuses (IANA's special-purpose registries).
    public static let nonPublic: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32",
        "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ].compactMap { IPNetwork($0) }

    /// The bytes of a numeric IPv4 or IPv6 address, or nil.
    public static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The text form of a 4- or 16-byte address.
    public static func format(_ address: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = address.count == 4 ? AF_INET : AF_INET6
        let done = address.withUnsafeBytes { bytes in inet_ntop(family, bytes.baseAddress, &buffer, socklen_t(buffer.count)) }
        return done == nil ? "?" : String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The IPv4 address an IPv4-mapped IPv6 address carries; any other address unchanged.
    static func unmapped(_ address: [UInt8]) -> [UInt8] {
        guard address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xFF, address[11] == 0xFF else { return address }
        return Array(address[12..<16])
    }
}
