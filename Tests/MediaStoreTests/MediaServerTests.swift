import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import MediaStore

/// The media service over real HTTP (Hummingbird's live test server) and a real folder.
@Suite struct MediaServerTests {
    static let secret = Data(repeating: 3, count: 32)
    let signer = MediaLinkSigner(secret: Self.secret, publicURL: "http://media.test")
    let key = MediaKey("1234/1876543210987654321/3_99")!

    /// Runs `body` with a store holding `photo` under `key` and a live server on it.
    func withServer(
        photo: ByteBuffer, contentType: String = "image/jpeg", clock: TestTime = TestTime(Date()),
        _ body: @escaping @Sendable (any TestClientProtocol, StoredMedia) async throws -> Void
    ) async throws {
        try await FolderMediaStoreTests.withFolder { folder in
            let store = FolderMediaStore(root: folder)
            let stored = try await store.store(photo, as: key, contentType: contentType)
            let router = MediaServer.router(storage: store, signer: signer, logger: Logger(label: "media.test"), now: { clock.now })
            let app = Application(router: router)
            try await app.test(.live) { client in try await body(client, stored) }
        }
    }

    /// The path and query of a link (the test client talks to its own server).
    func path(_ link: String) -> String {
        String(link.dropFirst("http://media.test".count))
    }

    @Test func aSignedLinkServesTheBytesWithTheirTypeAndChecksum() async throws {
        let photo = FolderMediaStoreTests.bytes(200_000)
        let link = path(signer.link(to: key, expires: Date().addingTimeInterval(600)))
        try await withServer(photo: photo) { client, stored in
            try await client.execute(uri: link, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body == photo)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(response.headers[.contentLength] == "200000")
                #expect(response.headers[.eTag] == "\"\(stored.sha256)\"")
                #expect(response.headers[.acceptRanges] == "bytes")
                #expect(response.headers[.contentDisposition] == "inline")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            try await client.execute(uri: link, method: .get, headers: [.ifNoneMatch: "\"\(stored.sha256)\""]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func aRangeIsServedAsPartialContentAndOneOutsideTheObjectIsRefused() async throws {
        let photo = FolderMediaStoreTests.bytes(1000)
        let link = path(signer.link(to: key, expires: Date().addingTimeInterval(600)))
        try await withServer(photo: photo) { client, _ in
            try await client.execute(uri: link, method: .get, headers: [.range: "bytes=100-199"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.headers[.contentRange] == "bytes 100-199/1000")
                #expect(response.body == photo.getSlice(at: 100, length: 100))
            }
            try await client.execute(uri: link, method: .get, headers: [.range: "bytes=-10"]) { response in
                #expect(response.status == .partialContent)
                #expect(response.body == photo.getSlice(at: 990, length: 10))
            }
            try await client.execute(uri: link, method: .get, headers: [.range: "bytes=1000-"]) { response in
                #expect(response.status == .rangeNotSatisfiable)
                #expect(response.headers[.contentRange] == "bytes */1000")
            }
        }
    }

    @Test func aTamperedOrExpiredLinkIsRefusedWithoutRepeatingIt() async throws {
        let clock = TestTime(Date(timeIntervalSince1970: 1_800_000_000))
        let link = path(signer.link(to: key, expires: clock.now.addingTimeInterval(600)))
        let signature = String(link.suffix(64))
        try await withServer(photo: FolderMediaStoreTests.bytes(10), clock: clock) { client, _ in
            let tampered = [
                link.replacingOccurrences(of: "3_99", with: "3_98"),
                link.replacingOccurrences(of: "expires=1800000600", with: "expires=1900000600"),
                String(link.dropLast()) + (link.last == "0" ? "1" : "0"),
                String(link.prefix(while: { $0 != "?" })),
            ]
            for uri in tampered {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .forbidden, "\(uri)")
                    let body = String(buffer: response.body)
                    #expect(body.contains("not valid"))
                    #expect(!body.contains(signature))
                }
            }
            clock.advance(600)
            try await client.execute(uri: link, method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("expired"))
            }
        }
    }

    @Test func nothingButASignedKeyIsServed() async throws {
        try await withServer(photo: FolderMediaStoreTests.bytes(10)) { client, _ in
            for uri in ["/media/", "/media", "/", "/media/1234", "/media/1234/..%2f..%2fetc/passwd", "/media/../../etc/passwd", "/metrics"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect([.notFound, .forbidden].contains(response.status), "\(uri): \(response.status)")
                    #expect(!String(buffer: response.body).contains("3_99"), "no listing")
                }
            }
            // A valid signature for a key that was never stored (or was purged).
            let missing = path(signer.link(to: MediaKey("1234/1/3_1")!, expires: Date().addingTimeInterval(600)))
            try await client.execute(uri: missing, method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func anEmptyFileAndADocumentAreServedAsSuch() async throws {
        let link = path(signer.link(to: key, expires: Date().addingTimeInterval(600)))
        try await withServer(photo: ByteBuffer(), contentType: "image/png") { client, _ in
            try await client.execute(uri: link, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
                #expect(response.headers[.contentLength] == "0")
            }
        }
        try await withServer(photo: FolderMediaStoreTests.bytes(10), contentType: "application/octet-stream") { client, _ in
            try await client.execute(uri: link, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition] == "attachment", "a file that is not a picture is downloaded, not shown")
            }
        }
    }
}
