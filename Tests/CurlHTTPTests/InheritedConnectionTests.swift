import CurlHTTP
import Foundation
import TestSupport
import Testing

/// A program that uses the client and spawns children (a test runner, an admin tool) must not hand
/// them its connections: a child that outlives a request would keep the connection open for the
/// server after the client closed it. The sockets libcurl opens are close-on-exec.
@Suite struct InheritedConnectionTests {
    @Test func aPooledConnectionIsCloseOnExec() async throws {
        let server = try LoopbackHTTPServer { _ in .respond(.text("kept alive")) }
        defer { server.stop() }
        let client = try TestClients.make()
        defer { client.shutdown() }

        let response = try await client.execute(HTTPRequest(url: server.url("/")))
        #expect(response.status == 200)
        // The connection stays in the client's pool after the exchange: find its descriptor.
        let descriptor = try #require(try Self.descriptor(connectedToLoopbackPort: server.port), "no connection to port \(server.port)")
        let flags = try #require(try Self.openFlags(of: descriptor))
        #expect(flags & 0o2_000_000 != 0, "fd \(descriptor) has flags \(String(flags, radix: 8)): no O_CLOEXEC")
    }

    /// This process's descriptor of the established TCP connection to 127.0.0.1:`port`.
    private static func descriptor(connectedToLoopbackPort port: Int) throws -> Int? {
        // Read to the end: the kernel hands this table out a page at a time, and its size says 0.
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/net/tcp"))
        defer { try? file.close() }
        let table = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        let remote = "0100007F:" + String(format: "%04X", port)
        let inodes = table.split(separator: "\n").dropFirst().compactMap { line -> String? in
            let fields = line.split(separator: " ")
            // local address, remote address, state (01: established), ..., inode
            guard fields.count > 9, fields[2] == remote, fields[3] == "01" else { return nil }
            return String(fields[9])
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)") else { continue }
            if inodes.contains(where: { target == "socket:[\($0)]" }) { return Int(name) }
        }
        return nil
    }

    /// The `flags` of /proc/self/fdinfo/`descriptor` (octal, as `open(2)` flags).
    private static func openFlags(of descriptor: Int) throws -> Int? {
        let info = try String(contentsOfFile: "/proc/self/fdinfo/\(descriptor)", encoding: .utf8)
        let line = info.split(separator: "\n").first { $0.hasPrefix("flags:") }
        return line.flatMap { Int($0.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8) }
    }
}
