// MediaStore: the customers' media (photos, videos, files sent in DMs) kept where an agent can
// open them without X's credentials. A storage interface (`MediaStorage`) with one backend, a
// folder (`FolderMediaStore`: one host, or a volume several hosts share), signed expiring links
// (`MediaLinkSigner`), and the small HTTP service that serves them (`MediaServer`).
//
// File I/O runs on SwiftNIO's file-system thread pool, never on Swift's cooperative pool. The
// media are personal data: nothing here logs a link's signature or the link secret.

import NIOCore

import struct Foundation.Date

/// Where media are kept. A backend stores whole objects under a `MediaKey` and reads them back
/// in byte ranges; an object store can implement the same four calls.
public protocol MediaStorage: Sendable {
    /// Stores `bytes` under `key` with its content type, replacing an object stored before under
    /// the same key (a refetch writes the same bytes). Readers never see a half-written object.
    func store(_ bytes: ByteBuffer, as key: MediaKey, contentType: String) async throws(MediaStoreError) -> StoredMedia

    /// The object stored under `key`, or nil when there is none.
    func find(_ key: MediaKey) async throws(MediaStoreError) -> StoredMedia?

    /// Reads the bytes of `range` (within the object's size) of the object under `key`, in chunks
    /// handed to `chunk` in order.
    func read(
        _ key: MediaKey, range: ClosedRange<Int>, chunk: (ByteBuffer) async throws -> Void
    ) async throws

    /// Removes every object stored before `cutoff`; returns how many went. Media are personal
    /// data: this is how they stop being kept.
    func purge(storedBefore cutoff: Date) async throws(MediaStoreError) -> Int

    // MARK: Objects still to fetch

    /// Remembers that `pending.key` is still to be fetched (replacing what was remembered of it).
    func recordPending(_ pending: PendingMedia, as key: MediaKey) async throws(MediaStoreError)

    /// Every object remembered as still to fetch.
    func pendingMedia() async throws(MediaStoreError) -> [PendingMedia]

    /// Forgets that `key` is still to fetch (fetched, or given up); nothing to forget is no error.
    func clearPending(_ key: MediaKey) async throws(MediaStoreError)
}
