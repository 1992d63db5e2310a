import Foundation
import Testing

@testable import XEmulator

@Suite("Media upload")
struct MediaUploadTests {
    static let scopes = EmulatorAccount.defaultScopes + ["media.write"]

    /// The `data` object of a reply.
    static func data(_ reply: HarnessClient.Reply) -> [String: Any] {
        reply.json["data"] as? [String: Any] ?? [:]
    }

    /// The `processing_info` of a STATUS of `id`.
    static func processing(_ client: HarnessClient, _ id: String, auth: TestAuth = .oauth1) async throws -> [String: Any] {
        let reply = try await client.get("/2/media/upload?command=STATUS&media_id=\(id)", auth: auth)
        #expect(reply.status == 200, "\(reply.text)")
        return data(reply)["processing_info"] as? [String: Any] ?? [:]
    }

    @Test func uploadsAnImageInOneRequestAsMultipartOrJSON() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        try await harness.run { client in
            let token = try await client.bearer().access
            var form = MultipartBody()
            form.field("media_category", "dm_image")
            form.file("media", MediaSamples.jpeg(width: 800, height: 600, count: 5000), filename: "receipt.jpg", type: "image/jpeg")
            let multipart = try await client.postMultipart("/2/media/upload", form, auth: .bearer(token))
            #expect(multipart.status == 200, "\(multipart.text)")
            let data = Self.data(multipart)
            let id = try #require(data["id"] as? String)
            #expect(data["media_key"] as? String == "3_\(id)" && data["size"] as? Int == 5000 && data["expires_after_secs"] as? Int == 86_400)
            #expect(data["processing_info"] == nil)
            let image = try #require(data["image"] as? [String: Any])
            #expect(image["image_type"] as? String == "image/jpeg" && image["w"] as? Int == 800 && image["h"] as? Int == 600)
            #expect(multipart.header("x-rate-limit-limit") == "500")
            let stored = try #require(harness.store.withState { $0.media(id: UInt64(id) ?? 0) })
            #expect(stored.content.allBytes == MediaSamples.jpeg(width: 800, height: 600, count: 5000))
            #expect(stored.upload?.owner == UInt64(EmulatorHarness.accountID) && stored.upload?.category == .dmImage)

            // JSON with base64, and OAuth 1.0a (whose signature covers no JSON or multipart body).
            let png = MediaSamples.png(width: 10, height: 20)
            let json = try await client.postJSON("/2/media/upload", #"{"media":"\#(Data(png).base64EncodedString())","media_category":"dm_image"}"#)
            #expect(json.status == 200, "\(json.text)")
            #expect((Self.data(json)["image"] as? [String: Any])?["image_type"] as? String == "image/png")
            // A GIF in one request is ready at once too; base64 in a multipart part is decoded.
            var gif = MultipartBody()
            gif.field("media_category", "dm_gif")
            gif.file("media", MediaSamples.gif(), base64: true)
            let gifReply = try await client.postMultipart("/2/media/upload", gif)
            #expect(gifReply.status == 200 && (Self.data(gifReply)["media_key"] as? String)?.hasPrefix("16_") == true, "\(gifReply.text)")
            let gifID = try #require(Self.data(gifReply)["id"] as? String)
            #expect(harness.store.withState { $0.media(id: UInt64(gifID) ?? 0)?.content.allBytes } == MediaSamples.gif())

            // STATUS of media that needed no processing: no processing_info.
            let status = try await client.get("/2/media/upload?command=STATUS&media_id=\(id)", auth: .bearer(token))
            #expect(status.status == 200 && Self.data(status)["id"] as? String == id && Self.data(status)["processing_info"] == nil)
            #expect(status.header("x-rate-limit-limit") == "1000")
        }
    }

    @Test func uploadsAVideoInChunksAndSTATUSMovesToSucceededAsTheClockMoves() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        let video = MediaSamples.mp4(count: 2500)
        try await harness.run { client in
            let initialize = try await client.postJSON(
                "/2/media/upload/initialize", #"{"media_type":"video/mp4","total_bytes":2500,"media_category":"dm_video"}"#)
            #expect(initialize.status == 200, "\(initialize.text)")
            #expect(initialize.header("x-rate-limit-limit") == "1875")
            let id = try #require(Self.data(initialize)["id"] as? String)
            #expect(Self.data(initialize)["media_key"] as? String == "7_\(id)" && Self.data(initialize)["expires_after_secs"] as? Int == 86_400)
            // Segments may come in any order, as multipart or as JSON with base64.
            var last = MultipartBody()
            last.field("segment_index", "2")
            last.file("media", Array(video[2000...]))
            let append = try await client.postMultipart("/2/media/upload/\(id)/append", last)
            #expect(append.status == 200 && Self.data(append)["expires_at"] as? Int == Int(harness.clock.now().timeIntervalSince1970) + 86_400, "\(append.text)")
            var first = MultipartBody()
            first.file("media", Array(video[..<1000]))
            first.field("segment_index", "0")
            #expect(try await client.postMultipart("/2/media/upload/\(id)/append", first).status == 200)
            let middle = Data(video[1000..<2000]).base64EncodedString()
            #expect(try await client.postJSON("/2/media/upload/\(id)/append", #"{"segment_index":1,"media":"\#(middle)"}"#).status == 200)

            let finalize = try await client.send("POST", "/2/media/upload/\(id)/finalize", auth: .oauth1)
            #expect(finalize.status == 200, "\(finalize.text)")
            let described = Self.data(finalize)
            #expect(described["id"] as? String == id && described["size"] as? Int == 2500)
            #expect((described["video"] as? [String: Any])?["video_type"] as? String == "video/mp4")
            #expect((described["processing_info"] as? [String: Any])?["state"] as? String == "pending")
            #expect((described["processing_info"] as? [String: Any])?["check_after_secs"] as? Int == 1)

            // Poll as a client does, moving the emulator's clock by check_after_secs.
            var states: [String] = []
            var info = try await Self.processing(client, id)
            while let state = info["state"] as? String, states.count < 10 {
                states.append(state)
                guard let after = info["check_after_secs"] as? Int else { break }
                harness.clock.advance(by: TimeInterval(after))
                info = try await Self.processing(client, id)
            }
            #expect(states.first == "pending" && states.contains("in_progress") && states.last == "succeeded", "\(states)")
            #expect(info["progress_percent"] as? Int == 100 && info["check_after_secs"] == nil)
            #expect(harness.store.withState { $0.media(id: UInt64(id) ?? 0)?.content.allBytes } == video)
        }
    }

    @Test func videoBytesOfNoAllowedFormatFailProcessing() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        try await harness.run { client in
            let (id, finalize) = try await client.uploadInChunks(MediaSamples.garbage(count: 3000), mediaType: "video/mp4", category: "dm_video")
            #expect(finalize.status == 200)
            harness.clock.advance(by: 1.5)
            #expect(try await Self.processing(client, id)["state"] as? String == "in_progress")
            harness.clock.advance(by: 10)
            let info = try await Self.processing(client, id)
            #expect(info["state"] as? String == "failed" && info["check_after_secs"] == nil)
        }
    }

    @Test func refusesEveryStepWithoutCredentialsOrTheMediaWriteScope() async throws {
        let harness = try EmulatorHarness() // the project's scopes: no media.write
        try await harness.run { client in
            let token = try await client.bearer().access
            var form = MultipartBody()
            form.field("media_category", "dm_image")
            form.file("media", MediaSamples.png())
            let steps: [(String, String, Data?, String?)] = [
                ("POST", "/2/media/upload", form.finished, form.contentType),
                ("POST", "/2/media/upload/initialize", Data(#"{"media_type":"image/png","total_bytes":10}"#.utf8), "application/json"),
                ("POST", "/2/media/upload/1/append", form.finished, form.contentType),
                ("POST", "/2/media/upload/1/finalize", nil, nil),
                ("GET", "/2/media/upload?command=STATUS&media_id=1", nil, nil),
            ]
            for (method, target, body, type) in steps {
                let anonymous = try await client.send(method, target, body: body, contentType: type, auth: .none)
                #expect(anonymous.status == 401, "\(target)")
                let expired = try await client.send(method, target, body: body, contentType: type, auth: .bearer("not-a-token"))
                #expect(expired.status == 401, "\(target)")
                let scoped = try await client.send(method, target, body: body, contentType: type, auth: .bearer(token))
                #expect(scoped.status == 403 && scoped.json["title"] as? String == "Forbidden", "\(target): \(scoped.text)")
            }
            // OAuth 1.0a carries the app's permissions: it may upload.
            let signed = try await client.postMultipart("/2/media/upload", form)
            #expect(signed.status == 200, "\(signed.text)")
        }
    }

    @Test func refusesAnInitializeXWouldRefuse() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        let cases: [(String, String)] = [
            (#"{"media_type":"image/png","total_bytes":10,"media_category":"dm_image","command":"INIT"}"#, "command"),
            (#"{"total_bytes":10,"media_category":"dm_image"}"#, "media_type"),
            (#"{"media_type":"image/png","media_category":"dm_image"}"#, "total_bytes"),
            (#"{"media_type":"image/heic","total_bytes":10,"media_category":"dm_image"}"#, "media_type"),
            (#"{"media_type":"image/png","total_bytes":10,"media_category":"dm_sticker"}"#, "media_category"),
            (#"{"media_type":"video/mp4","total_bytes":10,"media_category":"dm_image"}"#, "media_type"),
            (#"{"media_type":"image/png","total_bytes":10,"media_category":"dm_gif"}"#, "media_type"),
            (#"{"media_type":"image/bmp","total_bytes":10,"media_category":"dm_image"}"#, "media_type"),
            (#"{"media_type":"image/png","total_bytes":5242881,"media_category":"dm_image"}"#, "total_bytes"),
            (#"{"media_type":"image/gif","total_bytes":15728641,"media_category":"dm_gif"}"#, "total_bytes"),
            (#"{"media_type":"video/mp4","total_bytes":536870913,"media_category":"dm_video"}"#, "total_bytes"),
            (#"{"media_type":"video/mp4","total_bytes":-1,"media_category":"dm_video"}"#, "total_bytes"),
            (#"{"media_type":"video/mp4","total_bytes":"10","media_category":"dm_video"}"#, "total_bytes"),
            (#"{"media_type":"video/mp4","total_bytes":10,"media_category":"dm_video","shared":"yes"}"#, "shared"),
            (#"{"media_type":"video/mp4","total_bytes":10,"media_category":"dm_video","additional_owners":["12a"]}"#, "additional_owners"),
            (#"{"media_type":"video/mp4","total_bytes":10,"media_category":"dm_video","additional_owners":"42"}"#, "additional_owners"),
            (#"{"media_type":"text/srt","total_bytes":10,"media_category":"subtitles"}"#, "media_category"),
            (#"["media_type"]"#, ""),
        ]
        try await harness.run { client in
            for (body, parameter) in cases {
                let reply = try await client.postJSON("/2/media/upload/initialize", body)
                #expect(reply.status == 400, "\(body): \(reply.text)")
                #expect(reply.json["type"] as? String == "https://api.x.com/2/problems/invalid-request", "\(body)")
                if !parameter.isEmpty { #expect(reply.text.contains(#""\#(parameter)""#), "\(body): \(reply.text)") }
            }
            #expect(try await client.send("POST", "/2/media/upload/initialize", body: Data("media_type=image/png".utf8), contentType: "application/x-www-form-urlencoded", auth: .none).status == 401)
            let form = try await client.postForm("/2/media/upload/initialize", [("media_type", "image/png"), ("total_bytes", "10")], auth: .oauth1)
            #expect(form.status == 400)
            #expect(try await client.postJSON("/2/media/upload/initialize?command=INIT", #"{"media_type":"image/png","total_bytes":10}"#).status == 400)
            // At the limits, and without a category (X assumes the Post category of the type).
            for body in [
                #"{"media_type":"image/png","total_bytes":5242880,"media_category":"dm_image","shared":true,"additional_owners":["42"]}"#,
                #"{"media_type":"video/quicktime","total_bytes":536870912,"media_category":"dm_video"}"#,
            ] {
                #expect(try await client.postJSON("/2/media/upload/initialize", body).status == 200, "\(body)")
            }
            let postCategory = try await client.postJSON("/2/media/upload/initialize", #"{"media_type":"image/gif","total_bytes":10}"#)
            let id = try #require(Self.data(postCategory)["id"] as? String)
            #expect(Self.data(postCategory)["media_key"] as? String == "16_\(id)")
            #expect(harness.store.withState { $0.uploads[UInt64(id) ?? 0]?.category } == .tweetGIF)
        }
    }

    @Test func refusesAOneRequestUploadXWouldRefuse() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        func form(_ fields: [(String, String)], media: [UInt8]?) -> MultipartBody {
            var body = MultipartBody()
            for (name, value) in fields { body.field(name, value) }
            if let media { body.file("media", media) }
            return body
        }
        let cases: [(MultipartBody, Int, String)] = [
            (form([("media_category", "dm_image")], media: nil), 400, "[media] is required"),
            (form([], media: MediaSamples.png()), 400, "[media_category] is required"),
            (form([("media_category", "dm_image"), ("media_type", "image/png")], media: MediaSamples.png()), 400, "[media_type] is not one of"),
            (form([("media_category", "dm_image"), ("media_category", "dm_gif")], media: MediaSamples.png()), 400, "Duplicate"),
            (form([("media_category", "amplify_video")], media: MediaSamples.mp4()), 400, "is not one of"),
            (form([("media_category", "dm_video")], media: MediaSamples.mp4()), 400, "uploaded in chunks"),
            (form([("media_category", "dm_image")], media: MediaSamples.garbage()), 400, "not a file of a type dm_image accepts"),
            (form([("media_category", "dm_gif")], media: MediaSamples.png()), 400, "not a file of a type dm_gif accepts"),
            (form([("media_category", "dm_image"), ("additional_owners", "42,x")], media: MediaSamples.png()), 400, "[x] does not match"),
            (form([("media_category", "dm_image")], media: MediaSamples.png(count: 5 * 1024 * 1024 + 1)), 413, "accepts at most 5242880"),
        ]
        try await harness.run { client in
            for (body, status, why) in cases {
                let reply = try await client.postMultipart("/2/media/upload", body)
                #expect(reply.status == status && reply.text.contains(why), "\(why): \(reply.status) \(reply.text)")
                #expect(reply.header("content-type") == "application/problem+json")
            }
            let jsonCases: [(String, String)] = [
                (#"{"media":"%%%","media_category":"dm_image"}"#, "base64"),
                (#"{"media":5,"media_category":"dm_image"}"#, "base64"),
                (#"{"media":"\#(Data(MediaSamples.png()).base64EncodedString())","media_category":7}"#, "must be a string"),
                (#"{"media":"\#(Data(MediaSamples.png()).base64EncodedString())","media_category":"dm_image","shared":true}"#, "[shared] is not one of"),
            ]
            for (body, why) in jsonCases {
                let reply = try await client.postJSON("/2/media/upload", body)
                #expect(reply.status == 400 && reply.text.contains(why), "\(body): \(reply.text)")
            }
            let plain = try await client.send("POST", "/2/media/upload", body: Data("hello".utf8), contentType: "text/plain", auth: .oauth1)
            #expect(plain.status == 400 && plain.text.contains("multipart/form-data or application/json"))
            let broken = try await client.send("POST", "/2/media/upload", body: Data("--x\r\nno headers".utf8), contentType: "multipart/form-data; boundary=x", auth: .oauth1)
            #expect(broken.status == 400 && broken.text.contains("malformed"))
            // A body past what any upload needs is refused before it is read.
            let huge = try await client.send("POST", "/2/media/upload", body: Data(count: 25 << 20), contentType: "application/json", auth: .oauth1)
            #expect(huge.status == 413)
            #expect(harness.store.withState { $0.media.isEmpty })
        }
    }

    @Test func refusesAppendsFinalizesAndStatusesXWouldRefuse() async throws {
        let other = EmulatorAccount(id: "5678", username: "other_desk", name: "Other Desk", refreshToken: "other-refresh", scopes: Self.scopes)
        let harness = try EmulatorHarness(additionalAccounts: [other], scopes: Self.scopes)
        try await harness.run { client in
            func initialize(_ total: Int, type: String = "video/mp4", category: String = "dm_video") async throws -> String {
                let reply = try await client.postJSON("/2/media/upload/initialize", #"{"media_type":"\#(type)","total_bytes":\#(total),"media_category":"\#(category)"}"#)
                return try #require(Self.data(reply)["id"] as? String, "\(reply.text)")
            }
            func append(_ id: String, _ index: String?, _ bytes: [UInt8]?, auth: TestAuth = .oauth1) async throws -> HarnessClient.Reply {
                var body = MultipartBody()
                if let index { body.field("segment_index", index) }
                if let bytes { body.file("media", bytes) }
                return try await client.postMultipart("/2/media/upload/\(id)/append", body, auth: auth)
            }
            func finalize(_ id: String, auth: TestAuth = .oauth1) async throws -> HarnessClient.Reply {
                try await client.send("POST", "/2/media/upload/\(id)/finalize", auth: auth)
            }
            let video = MediaSamples.mp4(count: 3000)

            // Unknown and malformed ids.
            let unknown = try await append("1455952740635586573", "0", [1])
            #expect(unknown.status == 404 && unknown.json["type"] as? String == "https://api.x.com/2/problems/resource-not-found" && unknown.json["resource_type"] as? String == "media")
            #expect(try await finalize("1455952740635586573").status == 404)
            #expect(try await append("12a", "0", [1]).status == 400)
            #expect(try await finalize("12a").status == 400)

            // Bad segments.
            let id = try await initialize(3000)
            #expect(try await append(id, "1000", [1]).status == 400)
            #expect(try await append(id, "-1", [1]).status == 400)
            #expect(try await append(id, "one", [1]).status == 400)
            #expect(try await append(id, nil, [1]).status == 400)
            #expect(try await append(id, "0", nil).status == 400)
            let tooBig = try await append(id, "0", [UInt8](repeating: 7, count: (8 << 20) + 1))
            #expect(tooBig.status == 413 && tooBig.text.contains("segments of at most 8388608"))
            let over = try await append(id, "0", [UInt8](repeating: 7, count: 3001))
            #expect(over.status == 400 && over.text.contains("more than total_bytes 3000"))
            #expect(try await append(id, "0", Array(video[..<1000])).status == 200)
            #expect(try await append(id, "2", Array(video[2000...])).status == 200)
            // Segment 1 is missing; then segments that do not add up.
            let gap = try await finalize(id)
            #expect(gap.status == 400 && gap.text.contains("Segment 1 was not appended"), "\(gap.text)")
            #expect(try await append(id, "1", Array(video[1000..<1500])).status == 200)
            let short = try await finalize(id)
            #expect(short.status == 400 && short.text.contains("hold 2500 bytes, not total_bytes 3000"), "\(short.text)")
            // STATUS before finalize; a retried segment replaces the first one.
            let early = try await client.get("/2/media/upload?command=STATUS&media_id=\(id)")
            #expect(early.status == 400 && early.text.contains("not finalized"))
            #expect(try await append(id, "1", Array(video[1000..<2000])).status == 200)
            #expect(try await finalize(id).status == 200)
            // After finalize: no more appends, no second finalize.
            let late = try await append(id, "3", [1])
            #expect(late.status == 400 && late.text.contains("already finalized"))
            #expect(try await finalize(id).status == 400)

            // Another account does not see this account's uploads.
            let otherToken = try await client.bearer(refreshToken: "other-refresh").access
            #expect(try await append(try await initialize(10), "0", [1], auth: .bearer(otherToken)).status == 404)
            #expect(try await finalize(id, auth: .bearer(otherToken)).status == 404)
            #expect(try await client.get("/2/media/upload?command=STATUS&media_id=\(id)", auth: .bearer(otherToken)).status == 404)

            // An image whose bytes are of no allowed format is refused at finalize.
            let image = try await initialize(256, type: "image/png", category: "dm_image")
            #expect(try await append(image, "0", MediaSamples.garbage()).status == 200)
            let unrecognized = try await finalize(image)
            #expect(unrecognized.status == 400 && unrecognized.text.contains("not a file of a type dm_image accepts"))

            // STATUS parameters.
            for query in ["command=STATUS", "media_id=abc", "media_id=\(id)&command=INIT", "media_id=\(id)&foo=1"] {
                #expect(try await client.get("/2/media/upload?\(query)").status == 400, "\(query)")
            }
            let missing = try await client.get("/2/media/upload?command=STATUS&media_id=1")
            #expect(missing.status == 404 && missing.json["parameter"] as? String == "media_id")
            #expect(try await client.get("/2/media/upload?media_id=\(id)").status == 200)

            // A day later the upload and the media are gone.
            let stale = try await initialize(3000)
            harness.clock.advance(by: 86_401)
            #expect(try await append(stale, "0", [1]).status == 404)
            #expect(try await finalize(stale).status == 404)
            #expect(try await client.get("/2/media/upload?command=STATUS&media_id=\(id)").status == 404)
        }
    }

    @Test func parsesMultipartBodiesAsClientsSendThem() throws {
        var body = MultipartBody()
        body.field("segment_index", "3")
        body.file("media", [0, 13, 10, 45, 45, 255], filename: "a;b.bin")
        let form = try #require(MultipartForm.parse(Array(body.finished), contentType: body.contentType))
        #expect(form.parts.map(\.name) == ["segment_index", "media"])
        #expect(form.parts[0].body == Array("3".utf8) && form.parts[0].filename == nil)
        #expect(form.parts[1].body == [0, 13, 10, 45, 45, 255] && form.parts[1].filename == "a;b.bin" && form.parts[1].contentType == "application/octet-stream")
        #expect(MultipartForm.parameters(of: #"multipart/form-data; boundary="a b\"c""#)["boundary"] == #"a b"c"#)
        #expect(MultipartForm.parse(Array(body.finished), contentType: "multipart/form-data") == nil)
        #expect(MultipartForm.parse(Array(body.finished.dropLast(8)), contentType: body.contentType) == nil)
        #expect(MultipartForm.parse(Array("--x\r\nContent-Type: text/plain\r\n\r\nno name\r\n--x--".utf8), contentType: "multipart/form-data; boundary=x") == nil)
        #expect(MultipartForm.parse(Array("--x--\r\n".utf8), contentType: "multipart/form-data; boundary=x")?.parts.isEmpty == true)
    }

    @Test func processingIsPendingThenInProgressThenEndsAfterFiveSeconds() {
        let processing = MediaProcessing(startedAt: 1000, fails: false)
        #expect(processing.status(at: 1000) == MediaProcessing.Status(state: .pending, checkAfterSecs: 1, progressPercent: 0))
        #expect(processing.status(at: 1001).state == .inProgress && processing.status(at: 1001).checkAfterSecs == 4)
        #expect(processing.status(at: 1003).progressPercent == 50)
        #expect(processing.status(at: 1005) == MediaProcessing.Status(state: .succeeded, checkAfterSecs: nil, progressPercent: 100))
        #expect(MediaProcessing(startedAt: 1000, fails: true).status(at: 1006).state == .failed)
        #expect(MediaProcessing(startedAt: 1000, fails: true).status(at: 1004).state == .inProgress)
    }

    @Test func aSegmentRetriedReplacesTheFirstAndFinalizeNeedsThemAll() throws {
        var upload = MediaUpload(mediaID: 1, owner: 2, category: .dmVideo, format: .mp4, totalBytes: 6, shared: false, additionalOwners: [], now: 0)
        try upload.append([1, 2, 3], at: 1)
        #expect(throws: MediaUploadError.missingSegment(0)) { try upload.assembled() }
        try upload.append([9], at: 0)
        #expect(throws: MediaUploadError.sizeMismatch(received: 4, total: 6)) { try upload.assembled() }
        #expect(throws: MediaUploadError.segmentsExceedTotal(received: 7, total: 6)) { try upload.append([4, 5, 6, 7], at: 0) }
        try upload.append([4, 5, 6], at: 0)
        #expect(try upload.assembled() == [4, 5, 6, 1, 2, 3])
        #expect(upload.expiresAt == 86_400)
    }
}
