import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owner ids for leases and send claims: unique per process instance.
public enum OwnerID {
    /// `host:pid:random`, so a restarted process (same pid in a new container) never passes for
    /// its predecessor, and an operator reading a lease can tell where its holder runs.
    public static func make() -> String {
        let random = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(hostName()):\(getpid()):\(random)"
    }

    /// The kernel's host name (`gethostname`, no DNS look-up), up to the first dot.
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? "host"
    }
}
