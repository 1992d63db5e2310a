import Crypto
import CurlHTTP
import Foundation
import KiamoTwitter
import TestSupport
import Testing
import XEmulator
import XEmulatorControl

/// Customers' media through the ingest worker as its own process, the X emulator serving DM
/// media as X does (OAuth 2.0 with dm.read), RabbitMQ and a media folder: the agent's link opens
/// the customer's bytes and stops working when it expires; what cannot be fetched never holds a
/// DM back.
@Suite(.timeLimit(.minutes(5)))
struct IngestMediaTests {
    static let secret = "media-link-secret-of-the-tests-0123456789"

    /// A JPEG's signature, then `count` bytes in all.
    static func jpeg(_ count: Int) -> Data {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        while bytes.count < count { bytes.append(UInt8(truncatingIfNeeded: bytes.count &* 13 &+ 7)) }
        return Data(bytes)
    }

    /// Runs `body` with a harness, a media folder and an ingest worker (OAuth 2.0) serving media on
    /// its own port; `extra` overrides the worker's settings.
    static func withWorker(
        _ extra: [String: String] = [:], oauth2: Bool = true,
        _ body: (IngestHarness, _ mediaURL: String, _ folder: String, HTTPClient) async throws -> Void
    ) async throws {
        let harness = try await IngestHarness.start()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-media-\(UUID().uuidString)").path
        let port = try LoopbackHTTPServer.unusedPort()
        let mediaURL = "http://127.0.0.1:\(port)"
        let environment = WorkerProcess.environment(
            amqpURL: harness.amqpURL, stateFile: harness.stateFile, apiBaseURL: harness.emulator.baseURL, exchange: harness.exchange,
            account: harness.account, oauth2: oauth2,
            extra: [
                "KIAMO_TWITTER_POLL_INTERVAL": "200ms", "KIAMO_TWITTER_BACKFILL": "1h", "KIAMO_TWITTER_MEDIA_FOLDER": folder,
                "KIAMO_TWITTER_MEDIA_PUBLIC_URL": mediaURL, "KIAMO_TWITTER_MEDIA_LINK_SECRET": secret, "KIAMO_TWITTER_MEDIA_HOST": "127.0.0.1",
                "KIAMO_TWITTER_MEDIA_PORT": "\(port)",
            ].merging(extra) { _, new in new })
        let worker = try await WorkerProcess.start(
            "kiamo-twitter-ingest", name: "ingest-media", environment: environment, readyLine: "polling as the active ingest process")
        let http = try HTTPClient()
        defer {
            http.shutdown()
            try? FileManager.default.removeItem(atPath: folder)
        }
        do {
            try await body(harness, mediaURL, folder, http)
        } catch {
            print(worker.output().suffix(4000))
            throw error
        }
        worker.terminate()
        #expect(try await worker.waitForExit(timeout: .seconds(15)) == .exited(0), "\(worker.output().suffix(3000))")
        #expect(!worker.output().contains(secret), "the link secret never reaches the log")
        await harness.stop()
    }

    /// Posts a DM with `attachment` from a new customer and waits for its message.
    static func post(_ text: String, _ attachment: DMAttachment, on harness: IngestHarness) async throws -> KiamoMessage {
        let customer = try harness.customers(1)[0]
        let posted = try harness.emulator.postDM(from: customer.id, text: text, attachments: [attachment])
        try await harness.collector.waitFor([posted.id])
        return try #require(harness.collector.messages.first { $0.message.id == posted.id }?.message)
    }

    @Test func aCustomersPhotoReachesTheAgentAsALinkThatOpensAndExpires() async throws {
        try await Self.withWorker(["KIAMO_TWITTER_MEDIA_LINK_LIFETIME": "15s"]) { harness, mediaURL, folder, http in
            let photo = Self.jpeg(300_000)
            let message = try await Self.post("my parcel arrived broken", DMAttachment(type: "photo", data: photo.base64EncodedString()), on: harness)
            let item = try #require(message.attachments.first)
            #expect(item.status == "available")
            #expect(item.contentType == "image/jpeg")
            #expect(item.size == photo.count)
            #expect(item.sha256 == SHA256.hash(data: photo).map { String(format: "%02x", $0) }.joined())
            let link = try #require(item.url)
            #expect(link.hasPrefix("\(mediaURL)/media/\(harness.account.userId)/\(message.id)/"))
            #expect(message.content == "my parcel arrived broken\n[photo] \(link)", "Kiamo shows text: the link is in it")

            // The agent opens it: the customer's bytes, as a picture.
            let opened = try await http.execute(HTTPRequest(url: link))
            #expect(opened.status == 200)
            #expect(opened.body == photo)
            #expect(opened.headers["content-type"] == "image/jpeg")
            let part = try await http.execute(HTTPRequest(url: link, headers: ["Range": "bytes=0-99"]))
            #expect(part.status == 206)
            #expect(part.body == photo.prefix(100))
            // A changed signature opens nothing; neither does the folder.
            let tampered = try await http.execute(HTTPRequest(url: String(link.dropLast()) + (link.last == "a" ? "b" : "a")))
            #expect(tampered.status == 403)
            #expect(try await http.execute(HTTPRequest(url: mediaURL + "/media/")).status == 404)
            #expect(FileManager.default.fileExists(atPath: "\(folder)/\(harness.account.userId)/\(message.id)"))

            // Past media.linkLifetime the link stops working.
            try await eventually("the link to expire", timeout: .seconds(60), every: .milliseconds(500)) {
                let answer = try await http.execute(HTTPRequest(url: link))
                return answer.status == 403 && answer.bodyText.contains("expired")
            }
        }
    }

    /// An account on OAuth 1.0a (the original sample's four keys) gets its customers' photos as
    /// well: X serves them to it on its media host (`ton.twitter.com`, here the emulator). (API
    /// v1.1, which polls once a minute here, downloads the same way: `MediaDownloadOverEmulatorTests`.)
    @Test func anOAuth1AccountsCustomerPhotoReachesTheAgentToo() async throws {
        try await Self.withWorker(oauth2: false) { harness, mediaURL, _, http in
            let photo = Self.jpeg(40_000)
            let message = try await Self.post("a receipt", DMAttachment(type: "photo", data: photo.base64EncodedString()), on: harness)
            let item = try #require(message.attachments.first)
            #expect(item.status == "available", "\(item.reason ?? "")")
            let link = try #require(item.url)
            #expect(link.hasPrefix("\(mediaURL)/media/"))
            let opened = try await http.execute(HTTPRequest(url: link))
            #expect(opened.body == photo)
            #expect(harness.emulator.stats().count("GET /1.1/ton/data/dm/:dm_id/:media_id/:resource_id", status: 200) == 1)
        }
    }

    @Test func mediaThatCannotBeFetchedNeverHoldTheDMBack() async throws {
        try await Self.withWorker(["KIAMO_TWITTER_MEDIA_MAX_BYTES": "1000000", "KIAMO_TWITTER_MEDIA_RETRY_DELAY": "200ms"]) { harness, _, _, http in
            // Too large for media.maxBytes: published at once, marked unavailable with the reason.
            let video = try await Self.post("watch this", DMAttachment(type: "video", bytes: 3_000_000), on: harness)
            #expect(video.attachments.first?.status == "unavailable")
            #expect(video.attachments.first?.url == nil)
            #expect(video.attachments.first?.reason == "larger than 1000000 bytes (media.maxBytes)")
            #expect(video.content == "watch this\n[video not available: larger than 1000000 bytes (media.maxBytes)]")

            // X fails the download twice: the DM goes out pending with its link, which opens once a
            // background fetch gets the photo.
            try harness.emulator.fault(EmulatorFault(endpoint: "dm-media-download", kind: .status, status: 503, count: 2))
            let photo = Self.jpeg(20_000)
            let message = try await Self.post("receipt", DMAttachment(type: "photo", data: photo.base64EncodedString()), on: harness)
            let item = try #require(message.attachments.first)
            #expect(item.status == "pending", "\(item)")
            let link = try #require(item.url)
            #expect(message.content.hasPrefix("receipt\n[photo] \(link) (not available yet"))
            let opened = try await eventuallyValue("the background fetch to make the link work", timeout: .seconds(60), every: .milliseconds(200)) {
                let answer = try await http.execute(HTTPRequest(url: link))
                return answer.status == 200 ? answer : nil
            }
            #expect(opened.body == photo)
        }
    }
}
