import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import XEmulator

@Suite("Media faults and rate limits")
struct MediaFaultTests {
    static let scopes = MediaUploadTests.scopes

    static func oneRequestForm() -> MultipartBody {
        var form = MultipartBody()
        form.field("media_category", "dm_image")
        form.file("media", MediaSamples.png())
        return form
    }

    static func segment(_ index: Int, _ bytes: [UInt8]) -> MultipartBody {
        var form = MultipartBody()
        form.field("segment_index", String(index))
        form.file("media", bytes)
        return form
    }

    static func initialize(_ client: HarnessClient, total: Int) async throws -> HarnessClient.Reply {
        try await client.postJSON("/2/media/upload/initialize", #"{"media_type":"video/mp4","total_bytes":\#(total),"media_category":"dm_video"}"#)
    }

    @Test func aStatusFaultNamedAfterAnUploadStepFailsThatStepOnly() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        let video = MediaSamples.mp4(count: 1500)
        try await harness.run { client in
            func failsOnceThenServes(_ family: String, status: Int = 503, _ step: () async throws -> HarnessClient.Reply) async throws -> HarnessClient.Reply {
                try harness.store.addFault(EmulatorFault(endpoint: family, kind: .status, status: status, count: 1))
                let failed = try await step()
                #expect(failed.status == status, "\(family)")
                #expect(failed.header("content-type") == "application/problem+json", "\(family)")
                let served = try await step()
                #expect(served.status == 200, "\(family): \(served.text)")
                #expect(harness.store.faults().isEmpty, "\(family)")
                return served
            }
            _ = try await failsOnceThenServes("media-upload") { try await client.postMultipart("/2/media/upload", Self.oneRequestForm()) }
            let initialize = try await failsOnceThenServes("media-upload-init", status: 429) { try await Self.initialize(client, total: 1500) }
            let id = try #require((initialize.json["data"] as? [String: Any])?["id"] as? String)
            _ = try await failsOnceThenServes("media-upload-append") { try await client.postMultipart("/2/media/upload/\(id)/append", Self.segment(0, Array(video[..<1000]))) }
            // The failed append stored nothing: one segment of 1,000 bytes is there.
            #expect(harness.store.withState { $0.uploads[UInt64(id) ?? 0]?.receivedBytes } == 1000)
            #expect(try await client.postMultipart("/2/media/upload/\(id)/append", Self.segment(1, Array(video[1000...]))).status == 200)
            _ = try await failsOnceThenServes("media-upload-finalize") { try await client.send("POST", "/2/media/upload/\(id)/finalize", auth: .oauth1) }
            _ = try await failsOnceThenServes("media-upload-status") { try await client.get("/2/media/upload?command=STATUS&media_id=\(id)") }

            let stats = harness.store.stats()
            #expect(stats.faultsApplied == 5)
            for pattern in ["POST /2/media/upload", "POST /2/media/upload/:id/append", "POST /2/media/upload/:id/finalize", "GET /2/media/upload"] {
                #expect(stats.count(pattern, status: 503) == 1, "\(pattern)")
            }
            #expect(stats.count("POST /2/media/upload/initialize", status: 429) == 1)
        }
    }

    @Test func aStatus429FaultOnAnUploadStepCarriesThatStepsRateLimitHeaders() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        try harness.store.addFault(EmulatorFault(endpoint: "media-upload-init", kind: .status, status: 429, count: 1))
        try await harness.run { client in
            let limited = try await Self.initialize(client, total: 10)
            #expect(limited.status == 429 && limited.header("x-rate-limit-limit") == "1875" && limited.header("x-rate-limit-remaining") == "0")
        }
    }

    @Test func aPathPrefixFaultFailsEveryUploadStep() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        try harness.store.addFault(EmulatorFault(endpoint: "/2/media/upload", kind: .status, status: 500, count: 5))
        try await harness.run { client in
            let upload = try await client.postMultipart("/2/media/upload", Self.oneRequestForm())
            #expect(upload.status == 500)
            #expect(try await Self.initialize(client, total: 10).status == 500)
            #expect(try await client.postMultipart("/2/media/upload/1/append", Self.segment(0, [1])).status == 500)
            #expect(try await client.send("POST", "/2/media/upload/1/finalize", auth: .oauth1).status == 500)
            #expect(try await client.get("/2/media/upload?command=STATUS&media_id=1").status == 500)
            #expect(harness.store.faults().isEmpty)
            #expect(try await Self.initialize(client, total: 10).status == 200)
        }
    }

    @Test func aLostFinalizeAnswerLeavesTheMediaFinalizedForSTATUSToFind() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        let id = try await harness.run { client in
            let initialize = try await Self.initialize(client, total: 1000)
            let id = try #require((initialize.json["data"] as? [String: Any])?["id"] as? String)
            #expect(try await client.postMultipart("/2/media/upload/\(id)/append", Self.segment(0, MediaSamples.mp4(count: 1000))).status == 200)
            return id
        }
        try harness.store.addFault(EmulatorFault(endpoint: "media-upload-finalize", kind: .lostAnswer, count: 1))
        // Over a socket, which the lost answer closes (the next requests go through the router).
        try await harness.emulator.application().test(.live) { client in
            let client = HarnessClient(client: client, harness: harness)
            await #expect(throws: (any Error).self) {
                _ = try await client.send("POST", "/2/media/upload/\(id)/finalize", auth: .oauth1)
            }
        }
        try await harness.run { client in
            // X finalized it: STATUS reports its processing, a second finalize is refused.
            let status = try await client.get("/2/media/upload?command=STATUS&media_id=\(id)")
            #expect(status.status == 200)
            #expect(((status.json["data"] as? [String: Any])?["processing_info"] as? [String: Any])?["state"] as? String == "pending")
            #expect(try await client.send("POST", "/2/media/upload/\(id)/finalize", auth: .oauth1).status == 400)
        }
        #expect(harness.store.stats().requests["POST /2/media/upload/:id/finalize"]?["dropped"] == 1)
    }

    @Test func aDroppedAppendStoresNothingAndADelayedStatusStillAnswers() async throws {
        let harness = try EmulatorHarness(scopes: Self.scopes)
        let id = try await harness.run { client in
            let initialize = try await Self.initialize(client, total: 1000)
            return try #require((initialize.json["data"] as? [String: Any])?["id"] as? String)
        }
        try harness.store.addFault(EmulatorFault(endpoint: "media-upload-append", kind: .drop, count: 1))
        try await harness.emulator.application().test(.live) { client in
            let client = HarnessClient(client: client, harness: harness)
            await #expect(throws: (any Error).self) {
                _ = try await client.postMultipart("/2/media/upload/\(id)/append", Self.segment(0, MediaSamples.mp4(count: 1000)))
            }
        }
        #expect(harness.store.withState { $0.uploads[UInt64(id) ?? 0]?.receivedBytes } == 0)
        try await harness.run { client in
            #expect(try await client.postMultipart("/2/media/upload/\(id)/append", Self.segment(0, MediaSamples.mp4(count: 1000))).status == 200)
            #expect(try await client.send("POST", "/2/media/upload/\(id)/finalize", auth: .oauth1).status == 200)
            try harness.store.addFault(EmulatorFault(endpoint: "media-upload-status", kind: .delay, delayMs: 300, count: 1))
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await client.get("/2/media/upload?command=STATUS&media_id=\(id)").status == 200)
            #expect(clock.now - started >= .milliseconds(300))
        }
    }

    @Test func eachUploadStepCountsAgainstItsOwnWindow() async throws {
        var policy = RateLimitPolicy.x
        policy.windows[.mediaUploadInit] = [RateLimitPolicy.Window(limit: 2, seconds: 900)]
        let harness = try EmulatorHarness(rateLimits: policy, scopes: Self.scopes)
        try await harness.run { client in
            let first = try await Self.initialize(client, total: 1000)
            let id = try #require((first.json["data"] as? [String: Any])?["id"] as? String)
            #expect(first.header("x-rate-limit-remaining") == "1")
            #expect(try await Self.initialize(client, total: 10).status == 200)
            let refused = try await Self.initialize(client, total: 10)
            #expect(refused.status == 429 && refused.header("x-rate-limit-remaining") == "0")
            // The other steps have windows of their own (X's: 1,875 / 15 min for append and finalize).
            let append = try await client.postMultipart("/2/media/upload/\(id)/append", Self.segment(0, MediaSamples.mp4(count: 1000)))
            #expect(append.status == 200 && append.header("x-rate-limit-limit") == "1875" && append.header("x-rate-limit-remaining") == "1874")
            let finalize = try await client.send("POST", "/2/media/upload/\(id)/finalize", auth: .oauth1)
            #expect(finalize.status == 200 && finalize.header("x-rate-limit-limit") == "1875")
            harness.clock.advance(by: 901)
            #expect(try await Self.initialize(client, total: 10).status == 200)
            #expect(harness.store.stats().rateLimited == 1)
        }
    }
}
