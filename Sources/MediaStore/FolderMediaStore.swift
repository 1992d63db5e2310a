import Crypto
import Foundation
import NIOCore
import NIOFileSystem

/// Media in a folder: one host's disk, or a volume several hosts mount at the same place. An
/// object under `a/b/c` is the file `a/b/c.media` with its description beside it in
/// `a/b/c.json`; an object still to fetch has `a/b/c.pending` (`PendingMedia`) until it is
/// fetched or given up.
///
/// Each file is written to a temporary file and renamed into place, the bytes first and the
/// description last: a reader finds an object only once both are whole, and a crash mid-write
/// leaves at worst bytes without a description, which `find` does not see and the next store
/// of that key replaces.
public struct FolderMediaStore: MediaStorage {
    /// The folder the objects live under.
    public let root: FilePath
    private let fileSystem: FileSystem
    private let now: @Sendable () -> Date

    /// A store under `root` (created on the first store if missing).
    public init(root: String, fileSystem: FileSystem = .shared, now: @escaping @Sendable () -> Date = { Date() }) {
        self.root = FilePath(root)
        self.fileSystem = fileSystem
        self.now = now
    }

    public func store(_ bytes: ByteBuffer, as key: MediaKey, contentType: String) async throws(MediaStoreError) -> StoredMedia {
        guard MediaTypes.isStorable(contentType) else { throw .refusedContentType(contentType) }
        let media = StoredMedia(
            key: key.description, contentType: contentType, size: bytes.readableBytes,
            sha256: SHA256.hash(data: bytes.readableBytesView).map { String(format: "%02x", $0) }.joined(),
            // Whole seconds: what the description's ISO 8601 date keeps.
            storedAt: Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down)))
        let (data, description) = paths(of: key)
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            let json = try encoder.encode(media)
            // Customers' files are personal data: the worker's user alone reads them (0700, 0600).
            try await fileSystem.createDirectory(at: data.removingLastComponent(), withIntermediateDirectories: true, permissions: .ownerReadWriteExecute)
            try await write(bytes, to: data)
            try await write(ByteBuffer(bytes: json), to: description)
        } catch let error as MediaStoreError {
            throw error
        } catch {
            throw .unwritable(path: data.string, reason: "\(error)")
        }
        return media
    }

    public func find(_ key: MediaKey) async throws(MediaStoreError) -> StoredMedia? {
        let (data, description) = paths(of: key)
        do {
            guard try await fileSystem.info(forFileAt: data) != nil else { return nil }
            guard try await fileSystem.info(forFileAt: description) != nil else { return nil }
            let json = try await ByteBuffer(contentsOf: description, maximumSizeAllowed: .kilobytes(64), fileSystem: fileSystem)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(StoredMedia.self, from: Data(json.readableBytesView))
        } catch {
            throw .unreadable(key: key.description, reason: "\(error)")
        }
    }

    public func read(_ key: MediaKey, range: ClosedRange<Int>, chunk: (ByteBuffer) async throws -> Void) async throws {
        let (data, _) = paths(of: key)
        try await fileSystem.withFileHandle(forReadingAt: data) { handle in
            let chunks = handle.readChunks(in: Int64(range.lowerBound)..<Int64(range.upperBound) + 1, chunkLength: .kilobytes(128))
            for try await buffer in chunks { try await chunk(buffer) }
        }
    }

    public func purge(storedBefore cutoff: Date) async throws(MediaStoreError) -> Int {
        var removed = 0
        do {
            guard try await fileSystem.info(forFileAt: root) != nil else { return 0 }
            var descriptions: [FilePath] = []
            try await fileSystem.withDirectoryHandle(atPath: root) { directory in
                for try await entry in directory.listContents(recursive: true) where entry.type == .regular && entry.path.extension == "json" {
                    descriptions.append(entry.path)
                }
            }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            for description in descriptions {
                // Another ingest process on the same volume may purge the same object meanwhile:
                // one that is already gone is skipped, not an error.
                guard let json = try? await ByteBuffer(contentsOf: description, maximumSizeAllowed: .kilobytes(64), fileSystem: fileSystem),
                    let media = try? decoder.decode(StoredMedia.self, from: Data(json.readableBytesView)), media.storedAt < cutoff
                else { continue }
                // The description first: from then on the object is gone for readers.
                guard try await fileSystem.removeItem(at: description, strategy: .platformDefault, recursively: false) > 0 else { continue }
                var data = description
                data.extension = "media"
                _ = try await fileSystem.removeItem(at: data, strategy: .platformDefault, recursively: false)
                removed += 1
            }
        } catch {
            throw .unwritable(path: root.string, reason: "purging: \(error)")
        }
        return removed
    }

    public func recordPending(_ pending: PendingMedia, as key: MediaKey) async throws(MediaStoreError) {
        let path = pendingPath(of: key)
        do {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            try await fileSystem.createDirectory(at: path.removingLastComponent(), withIntermediateDirectories: true, permissions: .ownerReadWriteExecute)
            try await write(ByteBuffer(bytes: try encoder.encode(pending)), to: path)
        } catch {
            throw .unwritable(path: path.string, reason: "\(error)")
        }
    }

    public func pendingMedia() async throws(MediaStoreError) -> [PendingMedia] {
        var found: [PendingMedia] = []
        do {
            guard try await fileSystem.info(forFileAt: root) != nil else { return [] }
            var paths: [FilePath] = []
            try await fileSystem.withDirectoryHandle(atPath: root) { directory in
                for try await entry in directory.listContents(recursive: true) where entry.type == .regular && entry.path.extension == "pending" {
                    paths.append(entry.path)
                }
            }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            for path in paths {
                // Cleared by another process meanwhile, or unreadable: skipped, not an error.
                guard let json = try? await ByteBuffer(contentsOf: path, maximumSizeAllowed: .kilobytes(64), fileSystem: fileSystem),
                    let pending = try? decoder.decode(PendingMedia.self, from: Data(json.readableBytesView))
                else { continue }
                found.append(pending)
            }
        } catch {
            throw .unreadable(key: root.string, reason: "listing the media still to fetch: \(error)")
        }
        return found
    }

    public func clearPending(_ key: MediaKey) async throws(MediaStoreError) {
        let path = pendingPath(of: key)
        do {
            _ = try await fileSystem.removeItem(at: path, strategy: .platformDefault, recursively: false)
        } catch {
            throw .unwritable(path: path.string, reason: "\(error)")
        }
    }

    private func pendingPath(of key: MediaKey) -> FilePath {
        var path = root
        for segment in key.segments { path.append(segment) }
        path.extension = "pending"
        return path
    }

    /// The object's bytes and description files.
    private func paths(of key: MediaKey) -> (data: FilePath, description: FilePath) {
        var base = root
        for segment in key.segments { base.append(segment) }
        var data = base
        data.extension = "media"
        var description = base
        description.extension = "json"
        return (data, description)
    }

    /// Writes `buffer` to a temporary file and renames it to `path` once whole.
    private func write(_ buffer: ByteBuffer, to path: FilePath) async throws {
        try await fileSystem.withFileHandle(forWritingAt: path, options: .newFile(replaceExisting: true, permissions: .ownerReadWrite)) { handle in
            _ = try await handle.write(contentsOf: buffer.readableBytesView, toAbsoluteOffset: 0)
        }
    }
}
