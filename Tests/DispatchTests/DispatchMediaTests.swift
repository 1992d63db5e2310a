import AMQP
import CurlHTTP
import Foundation
import KiamoTwitter
import Synchronization
import TestSupport
import Testing
import XAPI

/// Replies that carry media: uploaded to X once and posted once through a crash between upload
/// and post; every refused or unreachable attachment dead-lettered with its reason while the
/// replies around it go out.
@Suite(.serialized) struct DispatchMediaTests {
    /// A PNG's signature and `count - 8` bytes that vary (X's DMs take it by its signature).
    static func png(_ count: Int, seed: UInt8 = 1) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += (0..<max(0, count - 8)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
        return Data(bytes)
    }

    /// The settings that let the worker download from the test's loopback server.
    static let loopbackAllowed = [
        "KIAMO_TWITTER_DISPATCH_ATTACHMENT_HOSTS": "127.0.0.1",
        "KIAMO_TWITTER_DISPATCH_ATTACHMENT_NETWORKS": "127.0.0.0/8",
    ]

    static func command(id: String, to recipient: String, text: String?, attachments: [[String: String]]) -> Data {
        var object: [String: Any] = ["id": id, "to": ["id": recipient, "name": "Customer"], "attachments": attachments]
        if let text { object["content"] = text }
        return (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    }

    static func publish(_ rig: DispatchTestRig, _ body: Data, id: String) async throws {
        try await rig.publishRaw(body, properties: AMQPProperties(contentType: "application/json", deliveryMode: .persistent, messageId: id))
    }

    static func uploads(_ rig: DispatchTestRig) -> Int {
        rig.emulator.stats().count("POST /2/media/upload/:id/finalize", status: 200) + rig.emulator.stats().count("POST /2/media/upload", status: 200)
    }

    /// Uploads `bytes` as the rig's account, as a bot that uploads its own media would.
    static func uploadAsTheAccount(_ rig: DispatchTestRig, _ bytes: Data) async throws -> String {
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.proxy = .none
        let http = try HTTPClient(configuration: httpConfiguration)
        defer { http.shutdown() }
        let credentials = OAuth1Credentials(
            consumerKey: rig.account.consumerKey, consumerSecret: rig.account.consumerSecret, oauthToken: rig.account.accessToken,
            oauthTokenSecret: rig.account.accessTokenSecret)
        let client = try XAPIClient(configuration: XAPIConfiguration(baseURL: rig.emulator.baseURL, credentials: .oauth1(credentials)), transport: http)
        return try await client.uploadMedia(bytes, mediaType: "image/png", category: .dmImage, processingTimeout: .seconds(10)).mediaId
    }

    /// The issue's case: the process dies after X took the upload and the ledger recorded it,
    /// before the post. The next worker posts the reply once, with that same media (no second
    /// upload), and reports it once.
    @Test func aReplyWithAnImageIsUploadedOnceAndPostedOnceThroughACrashBetweenUploadAndPost() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let image = Self.png(3_000)
            let server = try LoopbackHTTPServer { request in
                request.path == "/parcel.png" ? .respond(.init(headers: ["Content-Type": "image/png"], body: image)) : .respond(.text("not here", status: 404))
            }
            defer { server.stop() }
            try await Self.publish(
                rig, Self.command(id: "photo-1", to: customer, text: "Here is the label for your parcel", attachments: [["url": server.url("/parcel.png")]]),
                id: "photo-1")

            let crashing = try await rig.startWorker(
                "dispatch-crashing",
                Self.loopbackAllowed.merging([DispatchTestFault.variable: "label for your parcel", DispatchTestFault.stageVariable: "after-upload"]) { $1 })
            #expect(try await crashing.waitForExit(timeout: .seconds(60)) == .exited(86), "\(crashing.output().suffix(2000))")
            #expect(Self.uploads(rig) == 1)
            #expect(rig.sent.isEmpty)

            let worker = try await rig.startWorker("dispatch", Self.loopbackAllowed)
            try await rig.waitForEverySentReport([(id: "photo-1", recipient: customer, text: "")], workers: [crashing, worker])
            #expect(rig.sent.count == 1)
            let posted = try #require(rig.sent.first)
            #expect(posted.text == "Here is the label for your parcel")
            #expect(posted.mediaIDs.count == 1)
            #expect(posted.mediaIDs.first.flatMap { rig.emulator.store.mediaBytes(mediaID: $0) } == image, "the customer gets the very file")
            #expect(Self.uploads(rig) == 1, "the media recorded before the crash is posted, not uploaded again")
            #expect(rig.reports.filter { $0.commandId == "photo-1" }.map(\.status) == [.sent])
            #expect(rig.deadLetters.isEmpty)
            try await rig.expectGracefulStop(worker)
        }
    }

    /// A reply of media alone (no text), from a file in the allowed folder, and one with an id
    /// the account uploaded: both posted.
    @Test func aFileFromTheAllowedFolderAndAnUploadedMediaIdArePosted() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-attachments-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let receipt = Self.png(2_000, seed: 7)
            try receipt.write(to: folder.appendingPathComponent("receipt.png"))
            try await Self.publish(rig, Self.command(id: "file-1", to: customer, text: nil, attachments: [["path": "receipt.png"]]), id: "file-1")

            let worker = try await rig.startWorker("dispatch", ["KIAMO_TWITTER_DISPATCH_ATTACHMENT_FOLDER": folder.path])
            try await rig.waitForEverySentReport([(id: "file-1", recipient: customer, text: "")], workers: [worker])
            let first = try #require(rig.sent.first)
            #expect(first.text == "")
            let uploadedId = try #require(first.mediaIDs.first)
            #expect(rig.emulator.store.mediaBytes(mediaID: uploadedId) == receipt)

            // Media the account uploaded itself, by its id: posted as it is, nothing uploaded by
            // the worker. X takes a media in one DM only: the same id again is X's refusal, a
            // dead letter with X's words.
            let own = Self.png(1_500, seed: 9)
            let ownId = try await Self.uploadAsTheAccount(rig, own)
            try await Self.publish(rig, Self.command(id: "own-1", to: customer, text: "Your invoice", attachments: [["mediaId": ownId]]), id: "own-1")
            try await Self.publish(rig, Self.command(id: "again-1", to: customer, text: "Once more", attachments: [["mediaId": uploadedId]]), id: "again-1")
            try await rig.waitFor("the reply with the account's media and the refusal", workers: [worker]) {
                rig.sent.count >= 2 && rig.reports.contains { $0.commandId == "again-1" }
            }
            #expect(rig.sent.last?.mediaIDs == [ownId])
            #expect(rig.emulator.store.mediaBytes(mediaID: ownId) == own)
            #expect(Self.uploads(rig) == 2, "the worker's upload and the account's own")
            #expect(rig.reports.first { $0.commandId == "again-1" }?.error?.code == "x_rejected")
            try await rig.expectGracefulStop(worker)
        }
    }

    /// Each attachment the worker must not or cannot send is a dead letter with its reason and a
    /// `failed` report, after a bounded number of attempts at most; the replies around them go
    /// out, and nothing is ever fetched from a refused place.
    @Test func refusedAndUnreachableAttachmentsAreDeadLetteredWithTheirReasonAndTheOthersGoOut() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-attachments-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try Data().write(to: folder.appendingPathComponent("empty.png"))
            try Data("just text, not an image".utf8).write(to: folder.appendingPathComponent("notes.txt"))
            try Self.png(10 * 1024 * 1024).write(to: folder.appendingPathComponent("huge.png"))
            try Self.png(500).write(to: folder.appendingPathComponent("fine.png"))
            let secret = folder.deletingLastPathComponent().appendingPathComponent("kiamo-secret-\(UUID().uuidString).png")
            try Self.png(500).write(to: secret)
            defer { try? FileManager.default.removeItem(at: secret) }
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.png"), withDestinationURL: secret)

            let fetched = Mutex<[String]>([])
            let server = try LoopbackHTTPServer { request in
                fetched.withLock { $0.append(request.path) }
                switch request.path {
                case "/gone.png": return .respond(.text("gone", status: 404))
                case "/liar.png":
                    return .respond(.init(headers: ["Content-Type": "image/png"], body: Self.png(100), framing: .claimedLength(50_000)))
                case "/slow.png": return .respondAfter(.seconds(30), .init(body: Self.png(100)))
                case "/moved.png": return .respond(.init(status: 302, headers: ["Location": "http://169.254.169.254/latest/meta-data"]))
                default: return .respond(.init(headers: ["Content-Type": "image/png"], body: Self.png(400)))
                }
            }
            defer { server.stop() }
            let otherPort = "http://127.0.0.2:\(server.port)/other.png"

            let cases: [(id: String, attachments: [[String: String]], code: String)] = [
                ("empty-file", [["path": "empty.png"]], "attachment_refused"),
                ("wrong-type", [["path": "notes.txt"]], "attachment_refused"),
                ("ten-megabytes", [["path": "huge.png"]], "attachment_refused"),
                ("outside-folder", [["path": "../\(secret.lastPathComponent)"]], "attachment_refused"),
                ("symlink-out", [["path": "link.png"]], "attachment_refused"),
                ("missing-file", [["path": "nowhere.png"]], "attachment_unavailable"),
                ("host-not-allowed", [["url": "http://localhost:\(server.port)/x.png"]], "attachment_refused"),
                ("private-address", [["url": otherPort]], "attachment_refused"),
                ("gone", [["url": server.url("/gone.png")]], "attachment_unavailable"),
                ("redirect", [["url": server.url("/moved.png")]], "attachment_unavailable"),
                ("lying-length", [["url": server.url("/liar.png")]], "retries_exhausted"),
                ("slow-server", [["url": server.url("/slow.png")]], "retries_exhausted"),
                ("two-files", [["path": "fine.png"], ["path": "fine.png"]], "invalid_attachment"),
                ("no-form", [["name": "fine.png"]], "invalid_attachment"),
                ("bad-media-id", [["mediaId": "abc"]], "invalid_attachment"),
            ]
            try await rig.publish([(id: "good-1", recipient: customer, text: "first good reply")])
            for bad in cases {
                try await Self.publish(rig, Self.command(id: bad.id, to: customer, text: "reply \(bad.id)", attachments: bad.attachments), id: bad.id)
            }
            try await rig.publish([(id: "good-2", recipient: customer, text: "second good reply")])

            // Only 127.0.0.1 and the folder are allowed; 127.0.0.2 is loopback and not in the
            // allowed range, so it is refused before any connection.
            let worker = try await rig.startWorker(
                "dispatch",
                [
                    "KIAMO_TWITTER_DISPATCH_ATTACHMENT_HOSTS": "127.0.0.1,127.0.0.2", "KIAMO_TWITTER_DISPATCH_ATTACHMENT_NETWORKS": "127.0.0.1/32",
                    "KIAMO_TWITTER_DISPATCH_ATTACHMENT_FOLDER": folder.path, "KIAMO_TWITTER_DISPATCH_ATTACHMENT_FETCH_TIMEOUT": "2s",
                    "KIAMO_TWITTER_DISPATCH_MAX_ATTEMPTS": "2",
                ])
            try await rig.waitFor("every dead letter", timeout: .seconds(120), workers: [worker]) {
                rig.deadLetters.count >= cases.count && rig.reports.count >= cases.count + 2
            }
            #expect(rig.sent.map(\.text) == ["first good reply", "second good reply"])
            #expect(Self.uploads(rig) == 0)
            for bad in cases {
                let letter = rig.deadLetters.first { $0.properties.headers["x-kiamo-command-id"]?.stringValue == bad.id }
                #expect(letter?.properties.headers["x-kiamo-error-code"]?.stringValue == bad.code, "\(bad.id): \(String(describing: letter?.properties.headers["x-kiamo-error-message"]))")
                let report = rig.reports.first { $0.commandId == bad.id }
                #expect(report?.status == .failed, "\(bad.id)")
                #expect(report?.error?.code == bad.code, "\(bad.id)")
                // The URL's path and the file's path are never quoted back: they may carry a token
                // or a customer's name (a host and port may be named).
                let message = report?.error?.message ?? ""
                #expect(!message.contains(".png") && !message.contains(".txt"), "\(bad.id): \(message)")
            }
            let paths = fetched.withLock { $0 }
            #expect(!paths.contains("/x.png") && !paths.contains("/other.png"), "a refused URL is never requested: \(paths)")
            #expect(paths.filter { $0 == "/gone.png" }.count == 1, "a 404 is not retried")
            #expect(paths.filter { $0 == "/liar.png" }.count == 2, "a broken download is tried dispatch.maxAttempts times")
            #expect(!worker.output().contains(secret.lastPathComponent))
            #expect(worker.isRunning)
            try await rig.expectGracefulStop(worker)
        }
    }
}
