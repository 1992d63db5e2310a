import CurlHTTP
import Foundation
import TestSupport
import Testing
import XEmulator
import XEmulatorControl

@testable import XAPI

@Suite("DM media downloads against the emulator")
struct MediaDownloadOverEmulatorTests {
    static let janeID = "9001"

    /// A PNG's signature and header, then filler.
    static func png(_ count: Int) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 2, 128, 0, 0, 1, 224, 8, 6, 0, 0, 0]
        while bytes.count < count { bytes.append(UInt8(truncatingIfNeeded: bytes.count &* 7)) }
        return Data(bytes)
    }

    /// Jane's DM with `photo`, as the account's list shows it, and the reference its media URL gives.
    static func janesPhoto(_ rig: EmulatorRig, _ photo: Data) async throws -> (dmId: String, reference: XDMMediaReference) {
        try rig.emulator.addUser(id: janeID, name: "Jane", username: "jane")
        let posted = try rig.emulator.postDM(
            from: janeID, text: "my parcel", attachments: [DMAttachment(type: "photo", data: photo.base64EncodedString(), contentType: "image/png")])
        let page = try await rig.client.listDMEvents(pageToken: nil, maxResults: 10)
        let event = try #require(page.events.first { $0.id == posted.id })
        let key = try #require(event.mediaKeys.first)
        let url = try #require(page.media.first { $0.mediaKey == key }?.url)
        return (posted.id, try #require(XDMMediaReference(mediaURL: url, dmId: posted.id)))
    }

    /// Every dialect and credential downloads it: an OAuth 2.0 token at the v2 path, OAuth 1.0a
    /// user context at X's media host's path (the `media_url` of v1.1 events), which the client
    /// reaches at the emulator's address as it would reach `ton.twitter.com`.
    @Test(arguments: ClientSetup.allCases) func aCustomersPhotoDownloadsWithTheAccountsCredentials(setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup) { rig in
            let photo = Self.png(50_000)
            let (_, reference) = try await Self.janesPhoto(rig, photo)
            let download = try await rig.client.downloadDMMedia(reference, maxBytes: 100_000)
            #expect(download.bytes == photo)
            #expect(download.contentType == "image/png")
        }
    }

    /// X's media host takes OAuth 1.0a only, the v2 path OAuth 2.0 only.
    @Test func eachPathRefusesTheOtherKindOfCredentials() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            let (_, reference) = try await Self.janesPhoto(rig, Self.png(1_000))
            let token = try #require(await rig.tokenStore?.current.accessToken)
            let http = try HTTPClient()
            defer { http.shutdown() }
            let legacy = try await http.execute(
                HTTPRequest(url: rig.emulator.baseURL + reference.legacyPath, headers: ["Authorization": "Bearer \(token)"]))
            #expect(legacy.status == 403)
            let v2 = try await http.execute(HTTPRequest(url: rig.emulator.baseURL + reference.path, headers: ["Authorization": "Bearer \(token)"]))
            #expect(v2.status == 200)
        }
    }

    @Test func anItemOverTheLimitIsNotRetryable() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            let (_, reference) = try await Self.janesPhoto(rig, Self.png(50_000))
            let error = await #expect(throws: XAPIError.self) { try await rig.client.downloadDMMedia(reference, maxBytes: 10_000) }
            guard case .invalidArgument(.downloadDMMedia, "maxBytes", let reason)? = error else {
                Issue.record("not a maxBytes refusal: \(String(describing: error))")
                return
            }
            #expect(reason.contains("10000"))
            #expect(error?.isRetryable == false)
        }
    }

    @Test func mediaTheDMDoesNotCarryIsRefusedByX() async throws {
        try await EmulatorRig.with(.v2OAuth2Public) { rig in
            let (dmId, reference) = try await Self.janesPhoto(rig, Self.png(1_000))
            let other = XDMMediaReference(dmId: dmId, mediaId: reference.mediaId, resourceId: "Zz999999.png")
            let error = await #expect(throws: XAPIError.self) { try await rig.client.downloadDMMedia(other, maxBytes: 100_000) }
            #expect(error?.httpStatus == 404)
            #expect(error?.isRetryable == false)
        }
    }
}
