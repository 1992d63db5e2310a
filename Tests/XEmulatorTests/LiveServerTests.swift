import CurlHTTP
import Foundation
import TestSupport
import Testing

@testable import XEmulator

/// Over real sockets: the in-process `TestEmulator` through libcurl, and `x-emulator` as its own
/// OS process driven through the HTTP control API.
@Suite("Real sockets")
struct LiveServerTests {
    @Test func servesAnOAuth1SignedReadAndASendOverTCP() async throws {
        let http = try HTTPClient()
        defer { http.shutdown() }
        try await withTestEmulator { emulator in
            try emulator.addUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe")
            try emulator.postDM(from: "906948460078698496", text: "Hello over TCP")
            let signer = TestOAuth1Signer(
                consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
                token: TestEmulator.Credentials.accessToken, tokenSecret: TestEmulator.Credentials.accessTokenSecret)
            let url = emulator.baseURL + "/2/dm_events?dm_event.fields=sender_id%2Ccreated_at&max_results=10"
            let read = try await http.execute(HTTPRequest(url: url, headers: ["Authorization": signer.header(method: "GET", url: url)]))
            #expect(read.status == 200)
            #expect(read.bodyText.contains("Hello over TCP"))
            #expect(read.headers["x-rate-limit-remaining"] == "299")

            let sendURL = emulator.baseURL + "/2/dm_conversations/with/906948460078698496/messages"
            let send = try await http.execute(
                HTTPRequest(
                    method: .post, url: sendURL,
                    headers: ["Authorization": signer.header(method: "POST", url: sendURL), "Content-Type": "application/json"],
                    body: Data(#"{"text":"Hi Jane"}"#.utf8)))
            #expect(send.status == 201)
            #expect(emulator.sent().map(\.text) == ["Hi Jane"])
        }
    }

    @Test func aPhotoPostedThroughTheControlClientDownloadsByItsURLAndALargeSegmentUploadsOverTCP() async throws {
        let http = try HTTPClient()
        defer { http.shutdown() }
        try await withTestEmulator { emulator in
            try emulator.addUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe")
            let control = EmulatorControlClient(baseURL: emulator.baseURL, http: http)
            let photo = MediaSamples.jpeg(count: 20_000)
            let dmID = try await control.postDM(
                from: "906948460078698496", text: "my receipt", attachments: [DMAttachment(altText: "receipt", data: Data(photo).base64EncodedString())])
            let refresh = try await http.execute(
                HTTPRequest(
                    method: .post, url: emulator.baseURL + "/2/oauth2/token", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                    body: Data("grant_type=refresh_token&refresh_token=\(TestEmulator.Credentials.refreshToken)&client_id=\(TestEmulator.Credentials.clientID)".utf8)))
            let access = try #require((try JSONSerialization.jsonObject(with: refresh.body) as? [String: Any])?["access_token"] as? String)
            let page = try await http.execute(
                HTTPRequest(url: emulator.baseURL + "/2/dm_events?expansions=attachments.media_keys&media.fields=url,alt_text", headers: ["Authorization": "Bearer \(access)"]))
            let includes = (try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["includes"] as? [String: Any]
            let media = try #require((includes?["media"] as? [[String: Any]])?.first)
            #expect(media["alt_text"] as? String == "receipt")
            // The URL names the emulator as the client reached it, so it can be followed as is.
            let url = try #require(media["url"] as? String)
            #expect(url.hasPrefix(emulator.baseURL + "/2/dm_conversations/media/\(dmID)/"))
            let download = try await http.execute(HTTPRequest(url: url, headers: ["Authorization": "Bearer \(access)"]))
            #expect(download.status == 200 && download.headers["content-type"] == "image/jpeg" && [UInt8](download.body) == photo)

            // A 1.5 MB segment passes the 1 MB limit of other requests (bigger ones only cost the
            // suite time: a debug build parses them slowly, and the other suites wait meanwhile).
            let signer = TestOAuth1Signer(
                consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
                token: TestEmulator.Credentials.accessToken, tokenSecret: TestEmulator.Credentials.accessTokenSecret)
            let video = MediaSamples.mp4(count: 3 << 19)
            let initializeURL = emulator.baseURL + "/2/media/upload/initialize"
            let initialize = try await http.execute(
                HTTPRequest(
                    method: .post, url: initializeURL, headers: ["Authorization": signer.header(method: "POST", url: initializeURL), "Content-Type": "application/json"],
                    body: Data(#"{"media_type":"video/mp4","total_bytes":\#(video.count),"media_category":"dm_video"}"#.utf8)))
            let id = try #require(((try JSONSerialization.jsonObject(with: initialize.body) as? [String: Any])?["data"] as? [String: Any])?["id"] as? String)
            var form = MultipartBody()
            form.field("segment_index", "0")
            form.file("media", video)
            let appendURL = emulator.baseURL + "/2/media/upload/\(id)/append"
            let append = try await http.execute(
                HTTPRequest(
                    method: .post, url: appendURL, headers: ["Authorization": signer.header(method: "POST", url: appendURL), "Content-Type": form.contentType],
                    body: form.finished))
            #expect(append.status == 200, "\(append.bodyText)")
            #expect(emulator.store.withState { $0.uploads[UInt64(id) ?? 0]?.receivedBytes } == Int64(video.count))
        }
    }

    @Test func stopClosesThePort() async throws {
        let http = try HTTPClient()
        defer { http.shutdown() }
        let emulator = try await TestEmulator.start()
        let health = emulator.baseURL + "/_emulator/health"
        #expect(try await http.execute(HTTPRequest(url: health)).status == 200)
        await emulator.stop()
        await #expect(throws: (any Error).self) { _ = try await http.execute(HTTPRequest(url: health)) }
    }

    @Test func theExecutableServesSeedsAcceptsControlCallsAndExitsZeroOnSIGTERM() async throws {
        let seed = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        try Data(#"{"users":[{"id":"906948460078698496","name":"Jane Doe","username":"janedoe"}],"conversations":[{"with":"906948460078698496","messages":[{"text":"seeded","minutesAgo":1}]}]}"#.utf8)
            .write(to: seed)
        defer { try? FileManager.default.removeItem(at: seed) }
        let http = try HTTPClient()
        defer { http.shutdown() }
        let process = try await EmulatorProcess.start(
            arguments: ["--seed", seed.path, "--token-lifetime", "60"],
            environment: ["X_EMULATOR_RATE_LIMITS": "off", "X_EMULATOR_CLIENT_SECRET": "env-secret"])
        let banner = process.process.lines().first ?? ""
        // Credentials given through options or variables are masked at start.
        #expect(
            banner.contains("consumer secret ****") && banner.contains("rate limits off")
                && banner.contains("client secret ****") && !banner.contains("env-secret"), "\(banner)")
        let control = EmulatorControlClient(baseURL: process.baseURL, http: http)
        #expect(await control.isHealthy())
        try await control.postDM(from: "906948460078698496", text: "posted through control")
        let bulk = try await control.bulk(count: 300, senders: 3)
        #expect(bulk.created == 300 && bulk.senders.count == 3)

        let basic = Data("\(TestEmulator.Credentials.clientID):env-secret".utf8).base64EncodedString()
        let tokenAnswer = try await http.execute(
            HTTPRequest(
                method: .post, url: process.baseURL + "/2/oauth2/token",
                headers: ["Authorization": "Basic \(basic)", "Content-Type": "application/x-www-form-urlencoded"],
                body: Data("grant_type=refresh_token&refresh_token=\(TestEmulator.Credentials.refreshToken)".utf8)))
        #expect(tokenAnswer.status == 200)
        let tokens = try JSONSerialization.jsonObject(with: tokenAnswer.body) as? [String: Any]
        #expect(tokens?["expires_in"] as? Int == 60)
        let access = try #require(tokens?["access_token"] as? String)
        let page = try await http.execute(HTTPRequest(url: process.baseURL + "/2/dm_events?max_results=100", headers: ["Authorization": "Bearer \(access)"]))
        #expect(page.status == 200)
        let meta = (try JSONSerialization.jsonObject(with: page.body) as? [String: Any])?["meta"] as? [String: Any]
        #expect(meta?["result_count"] as? Int == 100 && meta?["next_token"] is String)

        try await control.fault(EmulatorFault(endpoint: "GET /2/users/me", kind: .status, status: 503, count: 1))
        let faulted = try await http.execute(HTTPRequest(url: process.baseURL + "/2/users/me", headers: ["Authorization": "Bearer \(access)"]))
        #expect(faulted.status == 503)
        let stats = try await control.stats()
        #expect(stats.tokenRefreshes == 1 && stats.count("GET /2/users/me", status: 503) == 1)
        try await control.expireAccessTokens()
        let expired = try await http.execute(HTTPRequest(url: process.baseURL + "/2/users/me", headers: ["Authorization": "Bearer \(access)"]))
        #expect(expired.status == 401)
        try await control.reset()
        #expect(try await control.sent().isEmpty)

        #expect(try await process.stop() == .exited(0))
    }

    @Test func theExecutableRefusesABadFlagWithOneLine() async throws {
        let result = try await ChildProcess.run(PackagePaths.executable("x-emulator"), ["--rate-limits", "sometimes"])
        #expect(result.status != 0)
        #expect(result.output.contains("--rate-limits=sometimes is not a valid value"))
        let env = try await ChildProcess.run(PackagePaths.executable("x-emulator"), [], environment: ["X_EMULATOR_PORT": "http"])
        #expect(env.status != 0 && env.output.contains("X_EMULATOR_PORT=http"))
    }
}
