import Foundation
import Testing

@testable import XEmulator

@Suite("DMs with media the account sends")
struct MediaSendTests {
    static let scopes = MediaUploadTests.scopes
    static let sendPath = "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages"
    static let other = EmulatorAccount(id: "5678", username: "other_desk", name: "Other Desk", refreshToken: "other-refresh", scopes: scopes)

    /// Uploads an image in one request; returns its media id.
    static func uploadImage(_ client: HarnessClient, category: String = "dm_image", bytes: [UInt8] = MediaSamples.png(), additionalOwners: String? = nil, auth: TestAuth = .oauth1)
        async throws -> String
    {
        var form = MultipartBody()
        form.field("media_category", category)
        if let additionalOwners { form.field("additional_owners", additionalOwners) }
        form.file("media", bytes)
        let reply = try await client.postMultipart("/2/media/upload", form, auth: auth)
        return try #require((reply.json["data"] as? [String: Any])?["id"] as? String, "\(reply.text)")
    }

    static func send(_ client: HarnessClient, _ mediaID: String, text: String? = nil, to path: String = sendPath, auth: TestAuth = .oauth1) async throws -> HarnessClient.Reply {
        let textField = text.map { #""text":"\#($0)","# } ?? ""
        return try await client.postJSON(path, #"{\#(textField)"attachments":[{"media_id":"\#(mediaID)"}]}"#, auth: auth)
    }

    @Test func aDMCarriesAnImageUploadedInOneRequestAndLeadsToItsBytes() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        let photo = MediaSamples.jpeg(width: 640, height: 480, count: 3000)
        try await harness.run { client in
            let token = try await client.bearer().access
            let mediaID = try await Self.uploadImage(client, bytes: photo, auth: .bearer(token))
            let sent = try await Self.send(client, mediaID, text: "Here is your invoice", auth: .bearer(token))
            #expect(sent.status == 201, "\(sent.text)")
            let dmID = try #require((sent.json["data"] as? [String: Any])?["dm_event_id"] as? String)
            let recorded = try #require(harness.store.sent().last)
            #expect(recorded.mediaIDs == [mediaID] && recorded.text == "Here is your invoice" && recorded.dmEventID == dmID)

            let event = try await client.get("/2/dm_events/\(dmID)?dm_event.fields=attachments&expansions=attachments.media_keys&media.fields=url,width,height", auth: .bearer(token))
            #expect(((event.json["data"] as? [String: Any])?["attachments"] as? [String: Any])?["media_keys"] as? [String] == ["3_\(mediaID)"])
            let media = try #require(((event.json["includes"] as? [String: Any])?["media"] as? [[String: Any]])?.first)
            #expect(media["width"] as? Int == 640 && media["height"] as? Int == 480)
            let path = try #require((media["url"] as? String).flatMap { URLComponents(string: $0)?.percentEncodedPath })
            #expect(path.hasPrefix("/2/dm_conversations/media/\(dmID)/\(mediaID)/") && path.hasSuffix(".jpg"))
            let download = try await client.get(path, auth: .bearer(token))
            #expect(download.status == 200 && Array(download.body) == photo)
        }
    }

    @Test func aDMCarriesAVideoUploadedInChunksOnceProcessingSucceeded() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        let video = MediaSamples.mp4(count: 4500)
        try await harness.run { client in
            let (mediaID, finalize) = try await client.uploadInChunks(video, mediaType: "video/mp4", category: "dm_video")
            #expect(finalize.status == 200)
            let early = try await Self.send(client, mediaID)
            #expect(early.status == 400 && early.text.contains("still processing (pending)"), "\(early.text)")
            harness.clock.advance(by: 2)
            let stillEarly = try await Self.send(client, mediaID)
            #expect(stillEarly.status == 400 && stillEarly.text.contains("(in_progress)"))
            harness.clock.advance(by: 3)
            // Attachments without text are a DM.
            let sent = try await Self.send(client, mediaID)
            #expect(sent.status == 201, "\(sent.text)")
            #expect(harness.store.sent().last?.mediaIDs == [mediaID] && harness.store.sent().last?.text == "")
            let token = try await client.bearer().access
            let path = try await MediaDownloadTests.listedPath(client, auth: .bearer(token))
            #expect(path.hasSuffix(".mp4"))
            let download = try await client.get(path, auth: .bearer(token))
            #expect(download.status == 200 && Array(download.body) == video && download.header("content-type") == "video/mp4")
        }
    }

    @Test func refusesMediaADMMayNotCarry() async throws {
        let harness = try EmulatorHarness(additionalAccounts: [Self.other], scopes: Self.scopes)
        try await harness.run { client in
            let otherToken = try await client.bearer(refreshToken: "other-refresh").access
            let othersMedia = try await Self.uploadImage(client, auth: .bearer(otherToken))
            let forPosts = try await Self.uploadImage(client, category: "tweet_image")
            let (failed, _) = try await client.uploadInChunks(MediaSamples.garbage(count: 2000), mediaType: "video/mp4", category: "dm_video")
            let customers = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "", attachments: [DMAttachment()])
            let customersMedia = try #require(harness.store.withState { $0.events.byID[UInt64(customers.id) ?? 0]?.mediaKeys.first?.split(separator: "_").last.map(String.init) })
            harness.clock.advance(by: 10)
            let cases: [(String, String)] = [
                ("1455952740635586573", "is not media this user uploaded"),
                (customersMedia, "is not media this user uploaded"),
                (othersMedia, "uploaded by another user"),
                (forPosts, "uploaded as tweet_image"),
                (failed, "failed processing"),
            ]
            for (mediaID, why) in cases {
                let reply = try await Self.send(client, mediaID, text: "hi")
                #expect(reply.status == 400, "\(why): \(reply.text)")
                #expect(reply.json["type"] as? String == "https://api.x.com/2/problems/invalid-request")
                let error = (reply.json["errors"] as? [[String: Any]])?.first
                #expect((error?["parameters"] as? [String: [String]])?["attachments.media_id"] == [mediaID], "\(reply.text)")
                #expect((error?["message"] as? String)?.contains(why) == true, "\(why): \(reply.text)")
            }
            #expect(harness.store.sent().isEmpty)

            // Once, unless uploaded shared.
            let once = try await Self.uploadImage(client)
            #expect(try await Self.send(client, once).status == 201)
            let twice = try await Self.send(client, once)
            #expect(twice.status == 400 && twice.text.contains("attached to a Direct Message already"))
            let (shared, _) = try await client.uploadInChunks(MediaSamples.png(count: 1500), mediaType: "image/png", category: "dm_image", shared: true)
            #expect(try await Self.send(client, shared).status == 201)
            #expect(try await Self.send(client, shared, text: "again").status == 201)

            // Another user's media once it names this account among its additional owners.
            let granted = try await Self.uploadImage(client, additionalOwners: "\(EmulatorHarness.accountID),42", auth: .bearer(otherToken))
            #expect(try await Self.send(client, granted).status == 201)

            // A day after upload, media can no longer be attached.
            let stale = try await Self.uploadImage(client)
            harness.clock.advance(by: 86_401)
            let expired = try await Self.send(client, stale)
            #expect(expired.status == 400 && expired.text.contains("expired"))
            #expect(harness.store.sent().count == 4)
        }
    }

    @Test func groupSendsAndTheV1DialectCheckMediaTheSameWay() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        try harness.store.addUser(id: "42", name: "Bob", username: "bob")
        let group = try harness.store.createGroup(participants: [EmulatorHarness.accountID, EmulatorHarness.customerID, "42"])
        try await harness.run { client in
            let toGroup = try await Self.uploadImage(client)
            let reply = try await Self.send(client, toGroup, to: "/2/dm_conversations/\(group)/messages")
            #expect(reply.status == 201, "\(reply.text)")
            #expect(harness.store.sent().last?.conversationID == group && harness.store.sent().last?.mediaIDs == [toGroup])

            func legacy(_ mediaID: String) async throws -> HarnessClient.Reply {
                try await client.postJSON(
                    "/1.1/direct_messages/events/new.json",
                    #"{"event":{"type":"message_create","message_create":{"target":{"recipient_id":"\#(EmulatorHarness.customerID)"},"message_data":{"text":"pic","attachment":{"type":"media","media":{"id":"\#(mediaID)"}}}}}}"#
                )
            }
            let v1Media = try await Self.uploadImage(client)
            let accepted = try await legacy(v1Media)
            #expect(accepted.status == 200, "\(accepted.text)")
            let media = (((accepted.json["event"] as? [String: Any])?["message_create"] as? [String: Any])?["message_data"] as? [String: Any])?["attachment"] as? [String: Any]
            #expect((media?["media"] as? [String: Any])?["id_str"] as? String == v1Media)
            #expect(harness.store.sent().last?.mediaIDs == [v1Media] && harness.store.sent().last?.api == "v1.1")
            for refused in [v1Media, "1455952740635586573"] {
                let reply = try await legacy(refused)
                #expect(reply.status == 400 && reply.text == #"{"errors":[{"code":324,"message":"The validation of media ids failed."}]}"#, "\(reply.text)")
            }
        }
    }
}
