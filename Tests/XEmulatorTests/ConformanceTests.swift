import Foundation
import TestSupport
import Testing

@testable import XEmulator

/// Captures real emulator answers for every v2 operation of the schemas, success and error, and
/// has `scripts/x-api-conformance.py` (openapi-schema-validator) validate each against
/// spec/x-api/openapi-dm.json and spec/x-api/openapi-media.json.
@Suite("v2 schema conformance")
struct ConformanceTests {
    static let script = PackagePaths.root.appendingPathComponent("scripts/x-api-conformance.py").path
    static let mediaSpec = PackagePaths.root.appendingPathComponent("spec/x-api/openapi-media.json").path

    @Test func theValidatorCatchesBrokenBodies() async throws {
        let result = try await ChildProcess.run("/usr/bin/env", ["python3", Self.script, "--self-test"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func everyV2AnswerIsValidAgainstTheOfficialSchema() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("x-captures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var policy = RateLimitPolicy.x
        policy.windows[.usersMe] = [RateLimitPolicy.Window(limit: 2, seconds: 900)]
        let harness = try EmulatorHarness(rateLimits: policy)
        try harness.store.addUser(id: "42", name: "Bob", username: "bob")
        try harness.store.postDM(
            from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "Hello #help @kiamo_support https://x.com",
            attachments: [DMAttachment(type: "photo", url: "https://pbs.twimg.com/a.jpg", width: 10, height: 10, altText: "a")])
        try harness.store.postDM(from: EmulatorHarness.accountID, to: EmulatorHarness.customerID, text: "Hi Jane")
        let group = try harness.store.createGroup(participants: [EmulatorHarness.accountID, EmulatorHarness.customerID])
        try harness.store.postParticipantsEvent(type: "ParticipantsJoin", conversationID: group, participants: ["42"], by: EmulatorHarness.accountID)
        try harness.store.postMessage(from: "42", conversationID: group, text: "group hello", attachments: [DMAttachment(type: "video")])
        let allFields =
            "dm_event.fields=id,text,event_type,created_at,sender_id,dm_conversation_id,attachments,participant_ids,entities"
            + "&expansions=sender_id,attachments.media_keys,participant_ids&user.fields=id,name,username,created_at,description,location,profile_image_url,protected,public_metrics,receives_your_dm,url,verified,verified_type"
            + "&media.fields=media_key,type,url,preview_image_url,width,height,alt_text"
        let captured = try await harness.run { client -> Int in
            let token = try await client.bearer().access
            var count = 0
            func capture(_ method: String, _ target: String, _ body: String? = nil, auth: TestAuth = .oauth1, expect status: Int) async throws {
                let reply =
                    body.map { _ in () } == nil
                    ? try await client.send(method, target, auth: auth)
                    : try await client.postJSON(target, body ?? "", auth: auth)
                #expect(reply.status == status, "\(method) \(target): \(reply.status) \(reply.text)")
                count += 1
                let record: [String: Any] = [
                    "method": method, "path": target, "status": reply.status,
                    "contentType": reply.header("content-type") ?? "", "body": reply.text,
                ]
                let data = try JSONSerialization.data(withJSONObject: record)
                try data.write(to: folder.appendingPathComponent(String(format: "%03d.json", count)))
            }
            let first = try await client.get("/2/dm_events?max_results=1")
            let next = try #require((first.json["meta"] as? [String: Any])?["next_token"] as? String)
            let eventID = try #require((first.json["data"] as? [[String: Any]])?.first?["id"] as? String)

            // GET /2/dm_events
            try await capture("GET", "/2/dm_events?\(allFields)", expect: 200)
            try await capture("GET", "/2/dm_events?max_results=1&pagination_token=\(next)&event_types=MessageCreate", auth: .bearer(token), expect: 200)
            try await capture("GET", "/2/dm_events?max_results=0&foo=1", expect: 400)
            try await capture("GET", "/2/dm_events", auth: .none, expect: 401)
            try await capture("GET", "/2/dm_events?pagination_token=\(PageToken(direction: .older, anchor: 1).encoded)", expect: 200) // empty page
            // GET /2/dm_events/{event_id}
            try await capture("GET", "/2/dm_events/\(eventID)?\(allFields)", expect: 200)
            try await capture("GET", "/2/dm_events/1", expect: 200)
            try await capture("GET", "/2/dm_events/abc", expect: 400)
            // GET /2/dm_conversations/with/{participant_id}/dm_events
            try await capture("GET", "/2/dm_conversations/with/\(EmulatorHarness.customerID)/dm_events?\(allFields)", expect: 200)
            try await capture("GET", "/2/dm_conversations/with/x/dm_events", expect: 400)
            // GET /2/dm_conversations/{id}/dm_events
            try await capture("GET", "/2/dm_conversations/\(group)/dm_events?\(allFields)", auth: .bearer(token), expect: 200)
            try await capture("GET", "/2/dm_conversations/1-2-3/dm_events", expect: 400)
            // POST /2/dm_conversations/with/{participant_id}/messages
            try await capture("POST", "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages", #"{"text":"reply"}"#, expect: 201)
            let upload = try await client.postJSON("/2/media/upload", #"{"media":"\#(Data(MediaSamples.png()).base64EncodedString())","media_category":"dm_image"}"#)
            let mediaID = try #require((upload.json["data"] as? [String: Any])?["id"] as? String)
            try await capture(
                "POST", "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages", #"{"attachments":[{"media_id":"\#(mediaID)"}]}"#, auth: .bearer(token), expect: 201)
            try await capture("POST", "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages", #"{"attachments":[{"media_id":"123"}]}"#, expect: 400)
            try await capture("POST", "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages", #"{"text":""}"#, expect: 400)
            try await capture("POST", "/2/dm_conversations/with/\(EmulatorHarness.accountID)/messages", #"{"text":"self"}"#, expect: 400)
            // POST /2/dm_conversations/{dm_conversation_id}/messages
            try await capture("POST", "/2/dm_conversations/\(group)/messages", #"{"text":"to the group"}"#, expect: 201)
            try await capture("POST", "/2/dm_conversations/111111111111111111/messages", #"{"text":"nobody"}"#, expect: 403)
            // Users
            try await capture("GET", "/2/users/me?user.fields=created_at,description,public_metrics", expect: 200)
            try await capture("GET", "/2/users/me", auth: .bearer(token), expect: 200)
            try await capture("GET", "/2/users/me", expect: 429)
            try await capture("GET", "/2/users/\(EmulatorHarness.customerID)?user.fields=verified,protected,url", expect: 200)
            try await capture("GET", "/2/users/999", expect: 200)
            try await capture("GET", "/2/users/abc", expect: 400)
            try await capture("GET", "/2/users?ids=\(EmulatorHarness.customerID),42,999", expect: 200)
            try await capture("GET", "/2/users?ids=998,999", expect: 200)
            try await capture("GET", "/2/users?ids=", expect: 400)
            try await capture("GET", "/2/users/by/username/janedoe?user.fields=created_at", expect: 200)
            try await capture("GET", "/2/users/by/username/nobody", expect: 200)
            try await capture("GET", "/2/users/by/username/no-dash", expect: 400)
            // Injected failures answer X's bodies too.
            try harness.store.addFault(EmulatorFault(endpoint: "/2/dm_events", kind: .status, status: 503, count: 1))
            try await capture("GET", "/2/dm_events", expect: 503)
            try harness.store.addFault(EmulatorFault(endpoint: "dm-send", kind: .status, status: 429, count: 1))
            try await capture("POST", "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages", #"{"text":"limited"}"#, expect: 429)
            try await capture("GET", "/2/dm_events", auth: .header("OAuth broken"), expect: 401)
            return count
        }
        #expect(captured >= 30)
        let result = try await ChildProcess.run("/usr/bin/env", ["python3", Self.script, folder.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\(captured) captures, 0 failures"))
    }

    @Test func everyMediaAnswerIsValidAgainstTheOfficialSchema() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("x-media-captures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let harness = try EmulatorHarness(scopes: MediaUploadTests.scopes)
        let posted = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "", attachments: [DMAttachment()])
        let download = try MediaDownloadTests.storedPath(harness, dmID: posted.id)
        let captured = try await harness.run { client -> Int in
            let token = try await client.bearer().access
            var count = 0
            @discardableResult
            func capture(_ reply: HarnessClient.Reply, _ method: String, _ target: String, expect status: Int) throws -> HarnessClient.Reply {
                #expect(reply.status == status, "\(method) \(target): \(reply.status) \(reply.text)")
                count += 1
                let record: [String: Any] = [
                    "method": method, "path": target, "status": reply.status, "contentType": reply.header("content-type") ?? "", "body": reply.text,
                ]
                try JSONSerialization.data(withJSONObject: record).write(to: folder.appendingPathComponent(String(format: "%03d.json", count)))
                return reply
            }
            @discardableResult
            func upload(_ form: MultipartBody, auth: TestAuth = .oauth1, expect status: Int) async throws -> HarnessClient.Reply {
                try capture(try await client.postMultipart("/2/media/upload", form, auth: auth), "POST", "/2/media/upload", expect: status)
            }
            @discardableResult
            func json(_ target: String, _ body: String, auth: TestAuth = .oauth1, expect status: Int) async throws -> HarnessClient.Reply {
                try capture(try await client.postJSON(target, body, auth: auth), "POST", target, expect: status)
            }
            func segment(_ id: String, _ index: Int, _ bytes: [UInt8], expect status: Int) async throws {
                var form = MultipartBody()
                form.field("segment_index", String(index))
                form.file("media", bytes)
                let target = "/2/media/upload/\(id)/append"
                try capture(try await client.postMultipart(target, form), "POST", target, expect: status)
            }
            @discardableResult
            func finalize(_ id: String, expect status: Int) async throws -> HarnessClient.Reply {
                let target = "/2/media/upload/\(id)/finalize"
                return try capture(try await client.send("POST", target, auth: .oauth1), "POST", target, expect: status)
            }
            func status(_ id: String, expect status: Int) async throws {
                let target = "/2/media/upload?command=STATUS&media_id=\(id)"
                try capture(try await client.get(target), "GET", target, expect: status)
            }
            func id(_ reply: HarnessClient.Reply) throws -> String {
                try #require((reply.json["data"] as? [String: Any])?["id"] as? String)
            }

            // POST /2/media/upload
            var image = MultipartBody()
            image.field("media_category", "dm_image")
            image.file("media", MediaSamples.jpeg())
            let imageID = try id(try await upload(image, auth: .bearer(token), expect: 200))
            try await json("/2/media/upload", #"{"media":"\#(Data(MediaSamples.gif()).base64EncodedString())","media_category":"dm_gif"}"#, expect: 200)
            var missing = MultipartBody()
            missing.field("media_category", "dm_image")
            try await upload(missing, expect: 400)
            var tooLarge = MultipartBody()
            tooLarge.field("media_category", "dm_image")
            tooLarge.file("media", MediaSamples.png(count: (5 << 20) + 1))
            try await upload(tooLarge, expect: 413)
            try await upload(image, auth: .none, expect: 401)
            // POST /2/media/upload/initialize
            let video = MediaSamples.mp4(count: 2000)
            let videoID = try id(try await json("/2/media/upload/initialize", #"{"media_type":"video/mp4","total_bytes":2000,"media_category":"dm_video"}"#, expect: 200))
            try await json("/2/media/upload/initialize", #"{"media_type":"video/mp4","total_bytes":2000,"media_category":"dm_image"}"#, expect: 400)
            // POST /2/media/upload/{id}/append
            try await segment(videoID, 0, Array(video[..<1000]), expect: 200)
            try await segment(videoID, 1000, [1], expect: 400)
            try await segment("1455952740635586573", 0, [1], expect: 404)
            // POST /2/media/upload/{id}/finalize
            try await finalize(videoID, expect: 400) // segment 1 missing
            try await segment(videoID, 1, Array(video[1000...]), expect: 200)
            try await finalize(videoID, expect: 200)
            try await finalize("1455952740635586573", expect: 404)
            let failedID = try id(try await json("/2/media/upload/initialize", #"{"media_type":"video/mp4","total_bytes":100,"media_category":"dm_video"}"#, expect: 200))
            try await segment(failedID, 0, MediaSamples.garbage(count: 100), expect: 200)
            try await finalize(failedID, expect: 200)
            let stillID = try id(try await json("/2/media/upload/initialize", #"{"media_type":"image/png","total_bytes":300,"media_category":"dm_image"}"#, expect: 200))
            try await segment(stillID, 0, MediaSamples.png(), expect: 200)
            try await finalize(stillID, expect: 200)
            // GET /2/media/upload (STATUS), as processing moves on
            try await status(videoID, expect: 200)
            harness.clock.advance(by: 2)
            try await status(videoID, expect: 200)
            harness.clock.advance(by: 5)
            try await status(videoID, expect: 200)
            try await status(failedID, expect: 200)
            try await status(imageID, expect: 200)
            try await status("1", expect: 404)
            try capture(try await client.get("/2/media/upload?media_id=abc"), "GET", "/2/media/upload?media_id=abc", expect: 400)
            // GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}: errors (the bytes are not JSON)
            try capture(try await client.get(download, auth: .none), "GET", download, expect: 401)
            let foreign = "/2/dm_conversations/media/1/2/AAAAAAAA.jpg"
            try capture(try await client.get(foreign, auth: .bearer(token)), "GET", foreign, expect: 404)
            let outside = try await client.send("GET", download, auth: .bearer(token), extraHeaders: [("Range", "bytes=999999-")])
            try capture(outside, "GET", download, expect: 416)
            // Injected failures answer X's bodies too.
            try harness.store.addFault(EmulatorFault(endpoint: "media-upload-init", kind: .status, status: 503, count: 1))
            try await json("/2/media/upload/initialize", #"{"media_type":"video/mp4","total_bytes":10,"media_category":"dm_video"}"#, expect: 503)
            return count
        }
        #expect(captured >= 30)
        let result = try await ChildProcess.run("/usr/bin/env", ["python3", Self.script, "--spec", Self.mediaSpec, folder.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\(captured) captures, 0 failures"))
    }
}
