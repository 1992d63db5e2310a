import CurlHTTP
import Foundation
import TestSupport
import Testing
import XEmulator
import XEmulatorControl

@testable import XAPI

/// A reply's media: uploaded in X's chunked flow, then attached to a DM, against the emulator.
@Suite("Media uploads against the emulator")
struct MediaUploadOverEmulatorTests {
    static let customerID = "9002"

    static func jpeg(_ count: Int) -> Data {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        while bytes.count < count { bytes.append(UInt8(truncatingIfNeeded: bytes.count &* 11)) }
        return Data(bytes)
    }

    static func mp4(_ count: Int) -> Data {
        var bytes: [UInt8] = [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("mp42isom".utf8)
        while bytes.count < count { bytes.append(UInt8(truncatingIfNeeded: bytes.count &* 3)) }
        return Data(bytes)
    }

    @Test(arguments: [ClientSetup.v2OAuth2Public, .v1OAuth1])
    func aPhotoIsUploadedAndSentWithAReply(_ setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup) { rig in
            try rig.emulator.addUser(id: Self.customerID, name: "Kim", username: "kim")
            let uploaded = try await rig.client.uploadMedia(Self.jpeg(200_000), mediaType: "image/jpeg", category: .dmImage, processingTimeout: .seconds(30))
            #expect(!uploaded.mediaId.isEmpty)
            let sent = try await rig.client.sendDM(to: Self.customerID, text: "here is your label", mediaIds: [uploaded.mediaId])
            let recorded = try #require(rig.emulator.sent().first { $0.dmEventID == sent.dmEventId })
            #expect(recorded.mediaIDs == [uploaded.mediaId])
            #expect(recorded.text == "here is your label")
            // A media id is used once: a second DM with it is refused.
            let again = await #expect(throws: XAPIError.self) { try await rig.client.sendDM(to: Self.customerID, text: "again", mediaIds: [uploaded.mediaId]) }
            #expect(again?.httpStatus != nil)
        }
    }

    /// A video in three segments, then X's processing, polled as its check_after_secs says.
    @Test func aVideoIsUploadedInSegmentsAndWaitedForUntilProcessed() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            try rig.emulator.addUser(id: Self.customerID, name: "Kim", username: "kim")
            let video = Self.mp4(300_000)
            let uploaded = try await rig.client.uploadMedia(
                video, mediaType: "video/mp4", category: .dmVideo, processingTimeout: .seconds(60), segmentBytes: 128 * 1024)
            let sent = try await rig.client.sendDM(to: Self.customerID, text: "", mediaIds: [uploaded.mediaId])
            #expect(rig.emulator.sent().first { $0.dmEventID == sent.dmEventId }?.mediaIDs == [uploaded.mediaId], "media alone, no text")
            #expect(rig.emulator.stats().families["media-upload-append"]?.values.reduce(0, +) == 3, "300 kB in 128 kB segments")
            #expect((rig.emulator.stats().families["media-upload-status"]?.values.reduce(0, +) ?? 0) >= 1, "X's processing was waited for")
        }
    }

    @Test func aFileXWillNeverTakeIsNotRetryable() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            let tooLarge = await #expect(throws: XAPIError.self) {
                try await rig.client.uploadMedia(Self.jpeg(6 * 1024 * 1024), mediaType: "image/jpeg", category: .dmImage, processingTimeout: .seconds(5))
            }
            #expect(tooLarge?.isRetryable == false)
            #expect(rig.emulator.stats().families["media-upload-init"] == nil, "refused before any request")
            // Bytes of no video format: X's processing fails.
            let garbage = await #expect(throws: XAPIError.self) {
                try await rig.client.uploadMedia(Data(repeating: 0x41, count: 50_000), mediaType: "video/mp4", category: .dmVideo, processingTimeout: .seconds(60))
            }
            #expect(garbage?.isRetryable == false, "\(String(describing: garbage))")
            let empty = await #expect(throws: XAPIError.self) {
                try await rig.client.uploadMedia(Data(), mediaType: "image/jpeg", category: .dmImage, processingTimeout: .seconds(5))
            }
            #expect(empty?.isRetryable == false)
        }
    }

    @Test func aFailedAppendIsTransientForTheCallerToRetry() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            try rig.emulator.fault(EmulatorFault(endpoint: "media-upload-append", kind: .status, status: 503, count: 1))
            let error = await #expect(throws: XAPIError.self) {
                try await rig.client.uploadMedia(Self.jpeg(10_000), mediaType: "image/jpeg", category: .dmImage, processingTimeout: .seconds(5))
            }
            #expect(error?.isRetryable == true)
            let uploaded = try await rig.client.uploadMedia(Self.jpeg(10_000), mediaType: "image/jpeg", category: .dmImage, processingTimeout: .seconds(5))
            #expect(!uploaded.mediaId.isEmpty, "the next attempt goes through")
        }
    }
}
