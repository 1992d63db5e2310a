import Foundation
import Logging
import MediaStore
import ServiceLifecycleTestKit
import Synchronization
import Testing
import XAPI

@testable import KiamoTwitter

/// Inbound media on a real folder, with an X whose downloads the test scripts: the link works
/// and opens the customer's bytes; what cannot be fetched never holds the message back.
@Suite struct InboundMediaTests {
    static let account = "1234"
    static let dmId = "1876543210987654321"
    static let photo = Data([0xFF, 0xD8, 0xFF, 0xE0] + (0..<5000).map { UInt8(truncatingIfNeeded: $0) })

    /// Downloads answered by `answer(call number)`; counts them.
    final class ScriptedX: XMediaDownloading {
        let calls = Atomic<Int>(0)
        let answer: @Sendable (Int) async throws -> XMediaDownload
        init(_ answer: @escaping @Sendable (Int) async throws -> XMediaDownload) { self.answer = answer }
        func downloadDMMedia(_ media: XDMMediaReference, maxBytes: Int) async throws -> XMediaDownload {
            let call = calls.add(1, ordering: .relaxed).newValue
            let download = try await answer(call)
            guard download.bytes.count <= maxBytes else {
                throw XAPIError.invalidArgument(operation: .downloadDMMedia, argument: "maxBytes", reason: "X's answer is larger than \(maxBytes) bytes")
            }
            return download
        }
    }

    static func served(_ bytes: Data = photo) -> XMediaDownload {
        XMediaDownload(bytes: bytes, contentType: "application/octet-stream", rateLimit: nil)
    }

    static func message(_ attachments: [KiamoAttachment]) -> KiamoMessage {
        KiamoMessage(
            id: dmId, createdAt: 1_800_000_000, senderId: "9001", senderName: "Jane@jane", content: "my parcel", accountId: account,
            conversationId: "1234-9001", attachments: attachments)
    }

    static func photoAttachment(_ mediaKey: String = "3_99") -> KiamoAttachment {
        KiamoAttachment(type: "photo", url: "https://api.x.com/2/dm_conversations/media/\(dmId)/99/AbCd1234.jpg", mediaKey: mediaKey)
    }

    static func withMedia(
        fetchTimeout: Duration = .seconds(5), retryDelay: Duration = .milliseconds(50), maxBytes: Int = 1_000_000,
        _ body: (InboundMedia, FolderMediaStore, MediaLinkSigner) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inbound-media-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let secret = String(repeating: "s", count: 32)
        let settings = MediaSettings(
            folder: folder, publicURL: "https://media.example.com", linkSecret: Secret(secret), maxBytes: maxBytes, fetchTimeout: fetchTimeout,
            retries: 3, retryDelay: retryDelay)
        var logger = Logger(label: "media.test")
        logger.logLevel = .critical
        let store = FolderMediaStore(root: folder)
        try await body(
            InboundMedia(settings: settings, storage: store, logger: logger), store,
            MediaLinkSigner(secret: Data(secret.utf8), publicURL: "https://media.example.com"))
    }

    /// The key and query of a link, checked by the signer.
    static func verdict(_ link: String, _ signer: MediaLinkSigner) -> MediaLinkSigner.Verdict {
        let components = URLComponents(string: link)!
        let key = MediaKey(String(components.path.dropFirst("/media/".count)))!
        let query = components.queryItems ?? []
        return signer.verify(
            key: key, expires: query.first { $0.name == "expires" }?.value, signature: query.first { $0.name == "signature" }?.value, now: Date())
    }

    @Test func aPhotoIsStoredAndTheMessageLinksToItWithALineInItsText() async throws {
        try await Self.withMedia { media, store, signer in
            let x = ScriptedX { _ in Self.served() }
            let linked = await media.collect(Self.message([Self.photoAttachment()]), account: Self.account, client: x)
            let item = try #require(linked.attachments.first)
            #expect(item.status == "available")
            #expect(item.contentType == "image/jpeg", "what the bytes are, not X's octet-stream")
            #expect(item.size == Self.photo.count)
            #expect(item.sha256?.count == 64)
            let url = try #require(item.url)
            #expect(url.hasPrefix("https://media.example.com/media/1234/\(Self.dmId)/3_99?expires="))
            #expect(Self.verdict(url, signer) == .valid)
            #expect(linked.content == "my parcel\n[photo] \(url)")
            let stored = try #require(try await store.find(MediaKey(segments: [Self.account, Self.dmId, "3_99"])!))
            #expect(stored.size == Self.photo.count)
            // Published again (a chunk after a crash): found, not fetched twice.
            let again = await media.collect(Self.message([Self.photoAttachment()]), account: Self.account, client: x)
            #expect(again.attachments.first?.status == "available")
            #expect(x.calls.load(ordering: .relaxed) == 1)
        }
    }

    @Test func whatCannotBeFetchedIsMarkedWithItsReasonAndTheMessageStillGoes() async throws {
        try await Self.withMedia(maxBytes: 1000) { media, _, _ in
            let tooLarge = await media.collect(Self.message([Self.photoAttachment()]), account: Self.account, client: ScriptedX { _ in Self.served() })
            #expect(tooLarge.attachments.first?.status == "unavailable")
            #expect(tooLarge.attachments.first?.url == nil)
            #expect(tooLarge.attachments.first?.reason == "larger than 1000 bytes (media.maxBytes)")
            #expect(tooLarge.content == "my parcel\n[photo not available: larger than 1000 bytes (media.maxBytes)]")

            let empty = await media.collect(Self.message([Self.photoAttachment("3_1")]), account: Self.account, client: ScriptedX { _ in Self.served(Data()) })
            #expect(empty.attachments.first?.reason == "X served an empty file")

            var foreign = Self.photoAttachment("3_2")
            foreign.url = "https://api.x.com/2/dm_conversations/media/1/99/AbCd1234.jpg"
            let x = ScriptedX { _ in Self.served() }
            let other = await media.collect(Self.message([foreign]), account: Self.account, client: x)
            #expect(other.attachments.first?.status == "unavailable", "another DM's media is never fetched")
            #expect(x.calls.load(ordering: .relaxed) == 0)
            #expect(media.pendingFetches == 0, "nothing to fetch again")
        }
    }

    /// X slow past `fetchTimeout`: the message goes out pending with its link, and the background
    /// fetch makes that link work.
    @Test func anItemXIsSlowToHandOverGoesOutPendingAndItsLinkWorksOnceFetched() async throws {
        try await Self.withMedia(fetchTimeout: .milliseconds(500)) { media, store, signer in
            let x = ScriptedX { call in
                if call == 1 { try await Task.sleep(for: .seconds(30)) }
                if call == 2 { throw XAPIError.transient(operation: .downloadDMMedia, cause: .httpStatus(503), rateLimit: nil) }
                return Self.served()
            }
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await media.run() }
                    let linked = await media.collect(Self.message([Self.photoAttachment()]), account: Self.account, client: x)
                    let item = try #require(linked.attachments.first)
                    #expect(item.status == "pending")
                    #expect(item.reason == "X did not hand it over within media.fetchTimeout")
                    let url = try #require(item.url)
                    #expect(Self.verdict(url, signer) == .valid)
                    #expect(linked.content.hasPrefix("my parcel\n[photo] \(url) (not available yet"))
                    let key = MediaKey(segments: [Self.account, Self.dmId, "3_99"])!
                    let deadline = ContinuousClock.now + .seconds(20)
                    while try await store.find(key) == nil {
                        guard ContinuousClock.now < deadline else {
                            Issue.record("the background fetch never stored the photo")
                            break
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(x.calls.load(ordering: .relaxed) == 3, "the first fetch timed out, the first retry failed, the second stored it")
                    #expect(media.pendingFetches == 0)
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test func anItemXNeverHandsOverIsGivenUpAfterTheRetries() async throws {
        try await Self.withMedia(fetchTimeout: .milliseconds(100)) { media, store, _ in
            let x = ScriptedX { _ in throw XAPIError.transient(operation: .downloadDMMedia, cause: .httpStatus(503), rateLimit: nil) }
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await media.run() }
                    let linked = await media.collect(Self.message([Self.photoAttachment()]), account: Self.account, client: x)
                    #expect(linked.attachments.first?.status == "pending")
                    let deadline = ContinuousClock.now + .seconds(20)
                    while media.pendingFetches > 0 {
                        guard ContinuousClock.now < deadline else {
                            Issue.record("the retries never ended")
                            break
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(x.calls.load(ordering: .relaxed) == 4, "one fetch, then media.retries (3) more, then no more")
                    #expect(try await store.find(MediaKey(segments: [Self.account, Self.dmId, "3_99"])!) == nil)
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
    }
    /// A process that stops (or dies) with an item still pending leaves it in the media store;
    /// the next process on the same store fetches it at start, and the link works then.
    @Test func anItemLeftPendingByAProcessThatStoppedIsFetchedByTheNextOne() async throws {
        try await Self.withMedia(fetchTimeout: .milliseconds(100), retryDelay: .seconds(600)) { media, store, _ in
            let slow = ScriptedX { _ in throw XAPIError.transient(operation: .downloadDMMedia, cause: .httpStatus(503), rateLimit: nil) }
            // The first process: the item goes out pending, and it stops before its retry is due.
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await media.run() }
                    let linked = await media.collect(Self.message([Self.photoAttachment()]), account: Self.account, client: slow)
                    #expect(linked.attachments.first?.status == "pending")
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            let key = MediaKey(segments: [Self.account, Self.dmId, "3_99"])!
            #expect(try await store.pendingMedia().map(\.key) == [key.description])

            // The next process, on the same store, with the account's client.
            let x = ScriptedX { _ in Self.served() }
            var logger = Logger(label: "media.test")
            logger.logLevel = .critical
            let next = InboundMedia(
                settings: MediaSettings(
                    folder: media.settings.folder, publicURL: media.settings.publicURL, linkSecret: media.settings.linkSecret, retries: 3,
                    retryDelay: .milliseconds(20)),
                storage: store, clients: [Self.account: x], logger: logger)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await next.run() }
                    let deadline = ContinuousClock.now + .seconds(20)
                    while try await store.find(key) == nil {
                        guard ContinuousClock.now < deadline else {
                            Issue.record("the next process never fetched the item left pending")
                            break
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(x.calls.load(ordering: .relaxed) == 1)
                    #expect(try await store.pendingMedia().isEmpty, "fetched: no longer to fetch")
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
        }
    }
}
