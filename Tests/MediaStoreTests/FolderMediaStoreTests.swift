import Foundation
import NIOCore
import Synchronization
import Testing

@testable import MediaStore

/// The folder backend on a real temporary folder.
@Suite struct FolderMediaStoreTests {
    static func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("media-store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    static func bytes(_ count: Int, seed: UInt8 = 1) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) })
    }

    static func readAll(_ store: FolderMediaStore, _ key: MediaKey, _ range: ClosedRange<Int>) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await store.read(key, range: range) { chunk in bytes += chunk.readableBytesView }
        return bytes
    }

    @Test func aStoredObjectIsFoundWithItsTypeSizeAndChecksumAndReadsBackWhole() async throws {
        try await Self.withFolder { folder in
            let store = FolderMediaStore(root: folder)
            let key = MediaKey("1234/555/3_9")!
            let photo = Self.bytes(300_000)
            let stored = try await store.store(photo, as: key, contentType: "image/jpeg")
            #expect(stored.size == 300_000)
            #expect(stored.sha256.count == 64)
            #expect(try await store.find(key) == stored)
            #expect(try await Self.readAll(store, key, 0...299_999) == Array(photo.readableBytesView))
            #expect(try await Self.readAll(store, key, 1000...1009) == Array(photo.readableBytesView[1000...1009]))
            // Personal data: the worker's user alone reads them, whatever the umask.
            let fileMode = try FileManager.default.attributesOfItem(atPath: folder + "/1234/555/3_9.media")[.posixPermissions] as? Int
            let folderMode = try FileManager.default.attributesOfItem(atPath: folder + "/1234/555")[.posixPermissions] as? Int
            #expect(fileMode == 0o600)
            #expect(folderMode == 0o700)
            let emptyKey = MediaKey("1234/555/3_10")!
            let empty = try await store.store(ByteBuffer(), as: emptyKey, contentType: "image/png")
            #expect(empty.size == 0)
            #expect(empty.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "SHA-256 of nothing")
        }
    }

    @Test func aKeyNeverStoredIsNotFoundAndBytesWithoutADescriptionAreNotAnObject() async throws {
        try await Self.withFolder { folder in
            let store = FolderMediaStore(root: folder)
            #expect(try await store.find(MediaKey("1234/1/3_1")!) == nil, "nothing stored, not even the folder")
            // What a crash between the two renames leaves: the bytes alone.
            try FileManager.default.createDirectory(atPath: folder + "/1234/1", withIntermediateDirectories: true)
            try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/1234/1/3_1.media"))
            #expect(try await store.find(MediaKey("1234/1/3_1")!) == nil)
            let again = try await store.store(Self.bytes(10), as: MediaKey("1234/1/3_1")!, contentType: "image/png")
            #expect(try await store.find(MediaKey("1234/1/3_1")!) == again, "the next store replaces them")
        }
    }

    @Test func storingAgainReplacesTheObject() async throws {
        try await Self.withFolder { folder in
            let store = FolderMediaStore(root: folder)
            let key = MediaKey("k")!
            _ = try await store.store(Self.bytes(100, seed: 1), as: key, contentType: "image/png")
            let second = try await store.store(Self.bytes(50, seed: 2), as: key, contentType: "image/webp")
            #expect(try await store.find(key) == second)
            #expect(try await Self.readAll(store, key, 0...49) == Array(Self.bytes(50, seed: 2).readableBytesView))
        }
    }

    @Test(arguments: ["text/html", "image/svg+xml", "application/javascript", "", "text/xml; charset=utf-8"])
    func aTypeThatCouldRunAsAPageIsRefused(_ type: String) async throws {
        try await Self.withFolder { folder in
            let store = FolderMediaStore(root: folder)
            do {
                _ = try await store.store(Self.bytes(10), as: MediaKey("k")!, contentType: type)
                Issue.record("stored as \(type)")
            } catch {
                #expect(error as? MediaStoreError == .refusedContentType(type))
            }
            let found = try await store.find(MediaKey("k")!)
            #expect(found == nil)
        }
    }

    @Test func purgeRemovesWhatWasStoredBeforeTheCutoffAndNothingElse() async throws {
        try await Self.withFolder { folder in
            let clock = TestTime(Date(timeIntervalSince1970: 1_800_000_000))
            let store = FolderMediaStore(root: folder, now: { clock.now })
            _ = try await store.store(Self.bytes(10), as: MediaKey("a/1/3_1")!, contentType: "image/png")
            _ = try await store.store(Self.bytes(10), as: MediaKey("a/2/3_2")!, contentType: "image/png")
            clock.advance(86_400)
            _ = try await store.store(Self.bytes(10), as: MediaKey("b/3/3_3")!, contentType: "image/png")
            #expect(try await store.purge(storedBefore: clock.now.addingTimeInterval(-3600)) == 2)
            #expect(try await store.find(MediaKey("a/1/3_1")!) == nil)
            #expect(try await store.find(MediaKey("a/2/3_2")!) == nil)
            #expect(try await store.find(MediaKey("b/3/3_3")!) != nil)
            #expect(!FileManager.default.fileExists(atPath: folder + "/a/1/3_1.media"), "the bytes went too")
            #expect(try await store.purge(storedBefore: clock.now.addingTimeInterval(-3600)) == 0)
        }
    }

    /// Several ingest processes on one volume purge the same objects: each goes once, and neither
    /// purge fails on what the other removed.
    @Test func twoPurgesAtOnceRemoveEachObjectOnce() async throws {
        try await Self.withFolder { folder in
            let clock = TestTime(Date(timeIntervalSince1970: 1_800_000_000))
            let store = FolderMediaStore(root: folder, now: { clock.now })
            for index in 0..<40 {
                _ = try await store.store(Self.bytes(10), as: MediaKey("a/\(index)/3_\(index)")!, contentType: "image/png")
            }
            clock.advance(86_400)
            let cutoff = clock.now.addingTimeInterval(-3600)
            async let first = store.purge(storedBefore: cutoff)
            async let second = FolderMediaStore(root: folder).purge(storedBefore: cutoff)
            let removed = try await first + second
            #expect(removed == 40)
            #expect(try await store.purge(storedBefore: cutoff) == 0)
        }
    }

    @Test func aStoreInAFolderItCannotWriteSaysWhere() async throws {
        try await Self.withFolder { folder in
            try Data().write(to: URL(fileURLWithPath: folder + "-file"))
            defer { try? FileManager.default.removeItem(atPath: folder + "-file") }
            // A file where the folder should be: nothing can be created under it.
            let store = FolderMediaStore(root: folder + "-file")
            do {
                _ = try await store.store(Self.bytes(10), as: MediaKey("k/1")!, contentType: "image/png")
                Issue.record("stored under a file")
            } catch {
                #expect("\(error)".contains(folder + "-file"))
                #expect("\(error)".contains("media.folder"))
            }
        }
    }
}

/// A clock the test moves.
final class TestTime: Sendable {
    private let seconds: Mutex<Date>
    init(_ start: Date) { seconds = Mutex(start) }
    var now: Date { seconds.withLock { $0 } }
    func advance(_ by: TimeInterval) { seconds.withLock { $0 = $0.addingTimeInterval(by) } }
}
