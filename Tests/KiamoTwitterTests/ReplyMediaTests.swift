import CurlHTTP
import Foundation
import Synchronization
import TestSupport
import Testing
import XAPI

@testable import KiamoTwitter

/// A reply's attachment: what the send command may say, which addresses, hosts, files and bytes
/// the worker takes, and that a download connects to the address that was checked.
@Suite struct ReplyMediaTests {
    let validator = SendCommandValidator(accountIds: ["1234"], maxBodyBytes: 65_536, splitLongMessages: false)

    private func validate(_ json: String) -> Result<SendCommand, CommandFailure> {
        validator.validate(body: Data(json.utf8), envelope: SendCommandValidator.Envelope(routingKey: "send.1234", messageId: "m-1"))
    }

    // MARK: The wire

    @Test func eachFormOfAttachmentIsReadAndMediaAloneNeedsNoText() throws {
        let url = try validate(#"{"to": {"id": "9"}, "content": "Label", "attachments": [{"url": "https://files.example.com/a.png?token=x"}]}"#).get()
        #expect(url.attachment == .url("https://files.example.com/a.png?token=x"))
        #expect(url.attachment(part: 0) == url.attachment)
        let path = try validate(#"{"to": {"id": "9"}, "attachments": [{"path": "replies/a.png"}]}"#).get()
        #expect(path.attachment == .path("replies/a.png"))
        #expect(path.content == "" && path.parts == [""])
        let media = try validate(#"{"to": {"id": "9"}, "content": null, "attachments": [{"mediaId": "1880028106020515840"}]}"#).get()
        #expect(media.attachment == .mediaId("1880028106020515840"))
        let none = try validate(#"{"to": {"id": "9"}, "content": "Hi", "attachments": []}"#).get()
        #expect(none.attachment == nil)
    }

    @Test(arguments: [
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"url": "https://a.example/1.png"}, {"url": "https://a.example/2.png"}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": {"url": "https://a.example/1.png"}}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": ["https://a.example/1.png"]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"url": "https://a.example/1.png", "path": "a.png"}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"url": "ftp://a.example/1.png"}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"url": "https://user:secret@a.example/1.png"}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"url": "/relative.png"}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"mediaId": "12ab"}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"mediaId": 1880028106020515840}]}"#,
        #"{"to": {"id": "9"}, "content": "x", "attachments": [{"path": ""}]}"#,
    ])
    func aMalformedAttachmentIsRefusedWithoutQuotingIt(json: String) {
        guard case .failure(let failure) = validate(json) else {
            Issue.record("accepted: \(json)")
            return
        }
        #expect(failure.code == .invalidAttachment)
        #expect(!failure.message.contains("a.example") && !failure.message.contains("secret"), "\(failure.message)")
    }

    @Test func withoutAnAttachmentTheTextIsStillRequired() {
        guard case .failure(let failure) = validate(#"{"to": {"id": "9"}, "attachments": []}"#) else {
            Issue.record("an empty command was accepted")
            return
        }
        #expect(failure.code == .missingField)
    }

    // MARK: Addresses and hosts

    @Test func internalAddressesAreNotPublicWhateverTheirForm() throws {
        for text in [
            "127.0.0.1", "10.1.2.3", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
            "255.255.255.255", "::1", "::", "fe80::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1",
        ] {
            #expect(!IPNetwork.isPublic(try #require(IPNetwork.parse(text))), "\(text)")
        }
        for text in ["93.184.215.14", "172.32.0.1", "2606:4700::1111", "::ffff:93.184.215.14"] {
            #expect(IPNetwork.isPublic(try #require(IPNetwork.parse(text))), "\(text)")
        }
        #expect(IPNetwork("10.1.2.0/24")?.contains(try #require(IPNetwork.parse("10.1.2.200"))) == true)
        #expect(IPNetwork("10.1.2.0/24")?.contains(try #require(IPNetwork.parse("10.1.3.1"))) == false)
        #expect(IPNetwork("10.1.2.7/24") == IPNetwork("10.1.2.0/24"))
        #expect(IPNetwork("10.1.2.0/33") == nil && IPNetwork("files.example.com") == nil && IPNetwork("fd00::/129") == nil)
    }

    @Test func onlyAllowedHostsArePermittedAndOneInternalAddressRefusesTheName() throws {
        let settings = ReplyMediaSettings(allowedHosts: ["files.example.com", "*.cdn.example.com"], allowedNetworks: [try #require(IPNetwork("10.1.2.0/24"))])
        #expect(try ReplyMediaLoader.target(of: "https://FILES.example.com/a.png", settings: settings) == .init(host: "FILES.example.com", port: 443))
        #expect(try ReplyMediaLoader.target(of: "http://img.cdn.example.com:8080/a.png", settings: settings) == .init(host: "img.cdn.example.com", port: 8080))
        for refused in ["https://cdn.example.com/a.png", "https://files.example.com.evil.test/a.png", "https://evilfiles.example.com/a.png"] {
            #expect(throws: ReplyMediaError.self, "\(refused)") { try ReplyMediaLoader.target(of: refused, settings: settings) }
        }
        #expect(throws: ReplyMediaError.self) { try ReplyMediaLoader.target(of: "https://files.example.com/a.png", settings: ReplyMediaSettings()) }

        let public4 = try #require(IPNetwork.parse("93.184.215.14"))
        let allowedInternal = try #require(IPNetwork.parse("10.1.2.9"))
        let otherInternal = try #require(IPNetwork.parse("10.9.9.9"))
        #expect(try ReplyMediaLoader.permitted([public4, allowedInternal], settings: settings) == [public4, allowedInternal])
        #expect(throws: ReplyMediaError.self) { try ReplyMediaLoader.permitted([public4, otherInternal], settings: settings) }
        #expect(throws: ReplyMediaError.self) { try ReplyMediaLoader.permitted([try #require(IPNetwork.parse("::1"))], settings: settings) }
    }

    // MARK: Files and bytes

    @Test func aPathIsReadOnlyInsideTheFolderAndNoSymbolicLinkIsFollowed() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("reply-media-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("attachments")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7])
        try png.write(to: folder.appendingPathComponent("sub/a.png"))
        try png.write(to: root.appendingPathComponent("outside.png"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("escape.png"), withDestinationURL: root.appendingPathComponent("outside.png"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("inner.png"), withDestinationURL: folder.appendingPathComponent("sub/a.png"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("out"), withDestinationURL: root)

        #expect(try ReplyMediaLoader.components(of: "sub/./a.png", folder: folder.path) == ["sub", "a.png"])
        #expect(try ReplyMediaLoader.components(of: folder.path + "/sub/a.png", folder: folder.path + "/") == ["sub", "a.png"])
        for refused in ["../outside.png", "sub/../../outside.png", root.path + "/outside.png", "/etc/passwd", "", "sub/.."] {
            #expect(throws: ReplyMediaError.self, "\(refused)") { try ReplyMediaLoader.components(of: refused, folder: folder.path) }
        }
        #expect(throws: ReplyMediaError.self) { try ReplyMediaLoader.components(of: "a.png", folder: "") }

        #expect(try ReplyMediaLoader.readFile(["sub", "a.png"], in: folder.path, maxBytes: 100).get() == png)
        // A link is not followed, wherever it points and wherever it is on the way.
        for names in [["escape.png"], ["inner.png"], ["out", "outside.png"]] {
            guard case .failure(.refused) = ReplyMediaLoader.readFile(names, in: folder.path, maxBytes: 100) else {
                Issue.record("\(names) was read through a symbolic link")
                continue
            }
        }
        guard case .failure(.unavailable) = ReplyMediaLoader.readFile(["nowhere.png"], in: folder.path, maxBytes: 100) else {
            Issue.record("a missing file is unavailable")
            return
        }
        guard case .failure(.refused) = ReplyMediaLoader.readFile(["sub"], in: folder.path, maxBytes: 100) else {
            Issue.record("a folder is not a file")
            return
        }
    }

    @Test func theBytesDecideTheTypeAndXsLimitsApply() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 100))
        let loaded = try ReplyMediaLoader.checked(png, maxBytes: 1_000)
        #expect(loaded.mediaType == "image/png" && loaded.category == .dmImage)
        let gif = Data("GIF89a".utf8 + [UInt8](repeating: 0, count: 100))
        #expect(try ReplyMediaLoader.checked(gif, maxBytes: 1_000).category == .dmGif)
        #expect(throws: ReplyMediaError.refused("the attachment is empty (0 bytes)")) { try ReplyMediaLoader.checked(Data(), maxBytes: 1_000) }
        #expect(throws: ReplyMediaError.self) { try ReplyMediaLoader.checked(Data("%PDF-1.7 a document".utf8), maxBytes: 1_000) }
        #expect(throws: ReplyMediaError.self) { try ReplyMediaLoader.checked(png, maxBytes: 50) }
        let sixMegabytePNG = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(count: 6 * 1024 * 1024)
        #expect(throws: ReplyMediaError.self, "over X's 5 MB for dm_image") { try ReplyMediaLoader.checked(sixMegabytePNG, maxBytes: 15 * 1024 * 1024) }
    }

    // MARK: The download

    /// The name resolves (here, by the injected resolver) to the address that was checked, and
    /// libcurl connects there without asking DNS: `media.invalid` resolves nowhere else, so the
    /// download succeeds only through the pinned address.
    @Test func theDownloadConnectsToTheCheckedAddressNotToWhatDNSSays() async throws {
        let image = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 3, count: 500))
        let server = try LoopbackHTTPServer { request in
            request.headers["Host"]?.hasPrefix("media.invalid") == true ? .respond(.init(body: image)) : .respond(.text("wrong host", status: 400))
        }
        defer { server.stop() }
        var configuration = HTTPClient.Configuration()
        configuration.proxy = .none
        let http = try HTTPClient(configuration: configuration)
        defer { http.shutdown() }
        let lookups = Mutex<[String]>([])
        let loopback = try #require(IPNetwork.parse("127.0.0.1"))
        let settings = ReplyMediaSettings(allowedHosts: ["media.invalid"], allowedNetworks: [try #require(IPNetwork("127.0.0.0/8"))])
        let loader = ReplyMediaLoader(
            settings: settings, http: http,
            lookup: HostLookup { host in
                lookups.withLock { $0.append(host) }
                return [loopback]
            })
        let loaded = try await loader.load(.url("http://media.invalid:\(server.port)/label.png"))
        #expect(loaded.bytes == image)
        #expect(lookups.withLock { $0 } == ["media.invalid"])

        // Without the range allowed, the same name is refused before any connection.
        let closed = ReplyMediaLoader(settings: ReplyMediaSettings(allowedHosts: ["media.invalid"]), http: http, lookup: HostLookup { _ in [loopback] })
        await #expect(throws: ReplyMediaError.self) { try await closed.load(.url("http://media.invalid:\(server.port)/label.png")) }
    }
}
