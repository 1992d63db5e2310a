import Foundation
import Testing

@testable import XEmulator

@Suite("DM media download")
struct MediaDownloadTests {
    static let photo = MediaSamples.jpeg(width: 800, height: 600, count: 5000)

    /// The path of the first media URL the account's v2 DM list shows (`url` of a photo, the
    /// variant's of a video).
    static func listedPath(_ client: HarnessClient, auth: TestAuth = .oauth1) async throws -> String {
        let reply = try await client.get("/2/dm_events?expansions=attachments.media_keys&media.fields=url,variants,type", auth: auth)
        let media = try #require(((reply.json["includes"] as? [String: Any])?["media"] as? [[String: Any]])?.first, "\(reply.text)")
        let url = try #require((media["url"] as? String) ?? ((media["variants"] as? [[String: Any]])?.first?["url"] as? String))
        #expect(url.hasPrefix("http://"))
        return try #require(URLComponents(string: url)?.percentEncodedPath)
    }

    /// The download path of the media DM `dmID` carries, read from the store.
    static func storedPath(_ harness: EmulatorHarness, dmID: String) throws -> String {
        let item = harness.store.withState { state -> MediaItem? in
            state.events.byID[UInt64(dmID) ?? 0]?.mediaKeys.first.flatMap { state.media[$0] }
        }
        let media = try #require(item)
        return "/2/dm_conversations/media/\(dmID)/\(media.mediaID)/\(media.resourceID)"
    }

    @Test func aParticipantDownloadsACustomersPhotoByTheURLItsDMShows() async throws {
        let harness = try EmulatorHarness()
        let posted = try harness.store.postDM(
            from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "my receipt",
            attachments: [DMAttachment(data: Data(Self.photo).base64EncodedString())])
        try await harness.run { client in
            let token = try await client.bearer().access
            let path = try await Self.listedPath(client, auth: .bearer(token))
            #expect(path == (try Self.storedPath(harness, dmID: posted.id)))
            #expect(path.hasPrefix("/2/dm_conversations/media/\(posted.id)/") && path.hasSuffix(".jpg"))
            let reply = try await client.get(path, auth: .bearer(token))
            #expect(reply.status == 200)
            #expect(Array(reply.body) == Self.photo)
            #expect(reply.header("content-type") == "image/jpeg")
            #expect(reply.header("content-length") == "5000")
            #expect(reply.header("accept-ranges") == "bytes")
            #expect(reply.header("x-rate-limit-limit") == "900" && reply.header("x-rate-limit-remaining") == "899")
            #expect(harness.store.stats().count("GET /2/dm_conversations/media/:dm_id/:media_id/:resource_id", status: 200) == 1)

            // The v1.1 dialect's attachment leads to the same bytes.
            let legacy = try await client.get("/1.1/direct_messages/events/list.json")
            let events = try #require(legacy.json["events"] as? [[String: Any]])
            let data = (events.first?["message_create"] as? [String: Any])?["message_data"] as? [String: Any]
            let media = (data?["attachment"] as? [String: Any])?["media"] as? [String: Any]
            let url = try #require(media?["media_url_https"] as? String)
            #expect(URLComponents(string: url)?.percentEncodedPath == path)
        }
    }

    @Test func aGroupMemberDownloadsWhatAnotherMemberSent() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addUser(id: "42", name: "Bob", username: "bob")
        let group = try harness.store.createGroup(participants: [EmulatorHarness.accountID, EmulatorHarness.customerID, "42"])
        let posted = try harness.store.postMessage(from: "42", conversationID: group, text: "", attachments: [DMAttachment(type: "animated_gif", data: Data(MediaSamples.gif()).base64EncodedString())])
        try await harness.run { client in
            let token = try await client.bearer().access
            let reply = try await client.get(try Self.storedPath(harness, dmID: posted.id), auth: .bearer(token))
            #expect(reply.status == 200 && Array(reply.body) == MediaSamples.gif() && reply.header("content-type") == "image/gif")
            #expect(try await Self.listedPath(client) == (try Self.storedPath(harness, dmID: posted.id)))
        }
    }

    @Test func refusesADownloadWithoutAValidTokenOrWithoutDMReadOrWithOAuth1() async throws {
        let harness = try EmulatorHarness()
        let posted = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "", attachments: [DMAttachment()])
        let path = try Self.storedPath(harness, dmID: posted.id)
        try await harness.run { client in
            for auth in [TestAuth.none, .bearer("not-a-token"), .header("OAuth broken")] {
                let reply = try await client.get(path, auth: auth)
                #expect(reply.status == 401)
                #expect(reply.text == #"{"title":"Unauthorized","detail":"Unauthorized","type":"about:blank","status":401}"#)
            }
            // The schema takes an OAuth 2.0 user token only: a valid OAuth 1.0a signature is refused.
            let signed = try await client.get(path, auth: .oauth1)
            #expect(signed.status == 403)
            #expect(signed.json["type"] as? String == "https://api.x.com/2/problems/unsupported-authentication")
            #expect((signed.json["detail"] as? String)?.contains("OAuth 1.0a User Context is forbidden") == true)
            let token = try await client.bearer().access
            #expect(try await client.get(path, auth: .bearer(token)).status == 200)
            harness.store.expireAccessTokens()
            #expect(try await client.get(path, auth: .bearer(token)).status == 401)
        }

        let withoutDMRead = try EmulatorHarness(scopes: ["tweet.read", "users.read", "media.write", "offline.access"])
        let other = try withoutDMRead.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "", attachments: [DMAttachment()])
        try await withoutDMRead.run { client in
            let token = try await client.bearer().access
            let reply = try await client.get(try Self.storedPath(withoutDMRead, dmID: other.id), auth: .bearer(token))
            #expect(reply.status == 403)
            #expect(reply.text == #"{"title":"Forbidden","detail":"Forbidden","type":"about:blank","status":403}"#)
        }
    }

    @Test func answers404ForADMTheCallerIsNotInAndForAnUnknownDMMediaOrName() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addUser(id: "42", name: "Bob", username: "bob")
        let foreign = try harness.store.postDM(from: EmulatorHarness.customerID, to: "42", text: "", attachments: [DMAttachment()])
        let mine = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "", attachments: [DMAttachment()])
        let plain = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "no media")
        let foreignPath = try Self.storedPath(harness, dmID: foreign.id)
        let minePath = try Self.storedPath(harness, dmID: mine.id)
        let parts = minePath.split(separator: "/").map(String.init) // 2, dm_conversations, media, dm, media, name
        let cases: [(String, String, String)] = [
            (foreignPath, "dm_event", "dm_id"),
            ("/2/dm_conversations/media/1/\(parts[4])/\(parts[5])", "dm_event", "dm_id"),
            ("/2/dm_conversations/media/abc/\(parts[4])/\(parts[5])", "dm_event", "dm_id"),
            ("/2/dm_conversations/media/\(mine.id)/1/\(parts[5])", "media", "media_id"),
            ("/2/dm_conversations/media/\(plain.id)/\(parts[4])/\(parts[5])", "media", "media_id"),
            ("/2/dm_conversations/media/\(mine.id)/\(parts[4])/AAAAAAAA.jpg", "media", "resource_id"),
        ]
        try await harness.run { client in
            let token = try await client.bearer().access
            for (path, resourceType, parameter) in cases {
                let reply = try await client.get(path, auth: .bearer(token))
                #expect(reply.status == 404, "\(path)")
                #expect(reply.header("content-type") == "application/problem+json")
                #expect(reply.json["type"] as? String == "https://api.x.com/2/problems/resource-not-found")
                #expect(reply.json["title"] as? String == "Not Found Error" && reply.json["status"] as? Int == 404)
                #expect(reply.json["resource_type"] as? String == resourceType && reply.json["parameter"] as? String == parameter, "\(path): \(reply.text)")
            }
            #expect(try await client.get(minePath, auth: .bearer(token)).status == 200)
            let query = try await client.get(minePath + "?filename=x.jpg", auth: .bearer(token))
            #expect(query.status == 400 && query.json["type"] as? String == "https://api.x.com/2/problems/invalid-request")
        }
    }

    @Test func servesOneRangeOfTheBytesAnd416OutsideThem() async throws {
        let harness = try EmulatorHarness()
        let size = 1_000_000
        let posted = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "", attachments: [DMAttachment(type: "video", bytes: size)])
        let expected = MediaContent(generated: size, format: .mp4)
        try await harness.run { client in
            let token = try await client.bearer().access
            let path = try await Self.listedPath(client, auth: .bearer(token))
            #expect(path == (try Self.storedPath(harness, dmID: posted.id)) && path.hasSuffix(".mp4"))
            let ranges: [(String, Range<Int>)] = [
                ("bytes=0-99", 0..<100), ("bytes=999990-", 999_990..<size), ("bytes=-5", 999_995..<size), ("bytes=500-2000000", 500..<size),
            ]
            for (header, range) in ranges {
                let reply = try await client.send("GET", path, auth: .bearer(token), extraHeaders: [("Range", header)])
                #expect(reply.status == 206, "\(header)")
                #expect(reply.header("content-range") == "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(size)", "\(header)")
                #expect(reply.header("content-length") == String(range.count) && reply.header("content-type") == "video/mp4")
                #expect(Array(reply.body) == expected.bytes(in: range), "\(header)")
            }
            let outside = try await client.send("GET", path, auth: .bearer(token), extraHeaders: [("Range", "bytes=1000000-")])
            #expect(outside.status == 416)
            #expect(outside.header("content-range") == "bytes */1000000")
            #expect(outside.json["status"] as? Int == 416 && outside.json["type"] as? String == "about:blank")
            // Several ranges, or a range the emulator cannot read, get every byte.
            for header in ["bytes=0-1,5-6", "bytes=9-3", "items=0-1"] {
                let whole = try await client.send("GET", path, auth: .bearer(token), extraHeaders: [("Range", header)])
                #expect(whole.status == 200 && whole.body.count == size, "\(header)")
            }
        }
    }

    @Test func resolvesRangeHeadersAsRFC9110Says() {
        #expect(ByteRange.resolve(nil, length: 10) == .whole)
        #expect(ByteRange.resolve("bytes=2-4", length: 10) == .partial(2..<5))
        #expect(ByteRange.resolve("bytes=2-", length: 10) == .partial(2..<10))
        #expect(ByteRange.resolve("bytes=-3", length: 10) == .partial(7..<10))
        #expect(ByteRange.resolve("bytes=-30", length: 10) == .partial(0..<10))
        #expect(ByteRange.resolve("bytes=5-99", length: 10) == .partial(5..<10))
        #expect(ByteRange.resolve("bytes=10-", length: 10) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=99999999999999999999999-", length: 10) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=-0", length: 10) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=0-", length: 0) == .unsatisfiable)
        for ignored in ["bytes=4-2", "bytes=a-b", "bytes=1-2,4-5", "lines=1-2", "bytes=", "bytes=-"] {
            #expect(ByteRange.resolve(ignored, length: 10) == .whole, "\(ignored)")
        }
    }

    @Test func aFaultNamedDMMediaDownloadFailsTheDownload() async throws {
        let harness = try EmulatorHarness()
        let posted = try harness.store.postDM(from: EmulatorHarness.customerID, to: EmulatorHarness.accountID, text: "", attachments: [DMAttachment()])
        try harness.store.addFault(EmulatorFault(endpoint: "dm-media-download", kind: .status, status: 503, count: 1))
        try await harness.run { client in
            let token = try await client.bearer().access
            let path = try Self.storedPath(harness, dmID: posted.id)
            #expect(try await client.get("/2/dm_events", auth: .bearer(token)).status == 200) // not matched
            let failed = try await client.get(path, auth: .bearer(token))
            #expect(failed.status == 503 && failed.json["type"] as? String == "about:blank")
            #expect(try await client.get(path, auth: .bearer(token)).status == 200)
        }
    }
}
