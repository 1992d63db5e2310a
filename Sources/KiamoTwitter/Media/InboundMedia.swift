import Foundation
import Logging
import MediaStore
import Metrics
import NIOCore
import ServiceLifecycle
import Synchronization
import XAPI

/// Customers' media on their way to agents: before a DM is published, ingest fetches each of its
/// media items with the account's credentials into the media store, and the message carries a
/// signed link to it (`KiamoAttachment.url`) and a line in its text (`AttachmentLines`).
///
/// A DM is never held back for its media: an item X does not hand over within `fetchTimeout`
/// goes out `pending`, with the link it will have, and is fetched again in the background
/// (`retries` times, `retryDelay` doubled each time); the link works from the moment that
/// succeeds. An item that would fail the same way again (too large, refused by X, a type that is
/// not kept) goes out `unavailable` with the reason. A message published again (a chunk after a
/// crash) finds what was stored and does not fetch it twice.
///
/// As a `Service` it runs the background fetches and deletes media older than `retention`
/// every hour. The items still to fetch are remembered in the media store (`PendingMedia`): a
/// process that stops or dies before its background fetches end leaves them to the next one on
/// the same store, which takes them up at start with the accounts' clients (`clients`).
public final class InboundMedia: Service, Sendable {
    /// One background fetch.
    struct Retry: Sendable {
        let client: any XMediaDownloading
        let reference: XDMMediaReference
        let key: MediaKey
        let attempt: Int
    }

    public let settings: MediaSettings
    let storage: any MediaStorage
    let signer: MediaLinkSigner
    let lines: AttachmentLines
    let logger: Logger
    let now: @Sendable () -> Date
    /// The accounts' X clients, for the items an earlier process left pending.
    let clients: [String: any XMediaDownloading]
    private let retries: AsyncStream<Retry>
    private let scheduled: AsyncStream<Retry>.Continuation
    /// Background fetches scheduled and not finished (a gauge for operators and tests).
    private let pendingCount = Atomic<Int>(0)

    public init(
        settings: MediaSettings, storage: (any MediaStorage)? = nil, clients: [String: any XMediaDownloading] = [:], logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.clients = clients
        self.storage = storage ?? FolderMediaStore(root: settings.folder)
        self.signer = MediaLinkSigner(secret: Data(settings.linkSecret.reveal().utf8), publicURL: settings.publicURL)
        self.lines = AttachmentLines(template: settings.textTemplate)
        self.logger = logger
        self.now = now
        (retries, scheduled) = AsyncStream.makeStream(of: Retry.self)
    }

    /// Background fetches not yet done.
    public var pendingFetches: Int { pendingCount.load(ordering: .relaxed) }

    /// The media service on this store (its own port: `/metrics` stays off the agents' network).
    public func server() -> some Service {
        MediaServer.make(
            host: settings.host, port: settings.port, storage: storage, signer: signer, logger: logger, now: now
        ) { [logger, settings] port in
            logger.info("media service on http://\(settings.host):\(port) (links start with \(settings.publicURL)/media/)")
        }
    }

    // MARK: - Collecting a message's media

    /// `message` with its attachments fetched, stored and linked, and a line per item added to
    /// its text. `media` are the page's media (a video's file is among its variants, not at its
    /// `url`); items without a URL X serves DM media at are unavailable.
    public func collect(_ message: KiamoMessage, media: [String: XMedia] = [:], account: String, client: any XMediaDownloading) async -> KiamoMessage {
        guard !message.attachments.isEmpty else { return message }
        let expires = now().addingTimeInterval(Double(settings.linkLifetime.components.seconds))
        let collected = await withTaskGroup(of: (Int, KiamoAttachment, String).self) { group in
            for (index, attachment) in message.attachments.enumerated() {
                group.addTask {
                    let file = attachment.mediaKey.flatMap { media[$0]?.fileURL } ?? attachment.url
                    let (item, line) = await self.collect(attachment, file: file, of: message.id, account: account, client: client, expires: expires)
                    return (index, item, line)
                }
            }
            var results: [(Int, KiamoAttachment, String)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }
        }
        var linked = message
        linked.attachments = collected.map { $0.1 }
        linked.content = lines.content(message.content, adding: collected.map { $0.2 })
        return linked
    }

    private func collect(
        _ attachment: KiamoAttachment, file: String?, of dmId: String, account: String, client: any XMediaDownloading, expires: Date
    ) async -> (KiamoAttachment, String) {
        var item = attachment
        let kind = AttachmentLines.kind(xType: attachment.type)
        guard let mediaKey = attachment.mediaKey, let key = MediaKey(segments: [account, dmId, mediaKey]),
            let reference = file.flatMap({ XDMMediaReference(mediaURL: $0, dmId: dmId) })
        else {
            let outcome = AttachmentOutcome.unavailable(reason: "X gave no address its DM media are served at")
            Self.count(outcome)
            item.url = nil
            item.status = outcome.status
            if case .unavailable(let reason) = outcome { item.reason = reason }
            return (item, lines.line(kind: kind, url: nil, outcome: outcome))
        }
        let outcome = await fetch(reference, as: key, client: client)
        Self.count(outcome)
        item.status = outcome.status
        switch outcome {
        case .available(let media):
            item.url = signer.link(to: key, expires: expires)
            item.contentType = media.contentType
            item.size = media.size
            item.sha256 = media.sha256
            item.expiresAt = Int(expires.timeIntervalSince1970)
        case .pending(let reason):
            item.url = signer.link(to: key, expires: expires)
            item.reason = reason
            item.expiresAt = Int(expires.timeIntervalSince1970)
            await remember(PendingMedia(key: key.description, source: reference.path, attempts: 1, since: now()), as: key)
            schedule(Retry(client: client, reference: reference, key: key, attempt: 1))
        case .unavailable(let reason):
            item.url = nil
            item.reason = reason
        }
        logger.debug("media \(outcome.status)", metadata: ["dm": "\(dmId)", "media": "\(mediaKey)", "reason": "\(item.reason ?? "")"])
        return (item, lines.line(kind: AttachmentLines.kind(xType: attachment.type, contentType: item.contentType), url: item.url, outcome: outcome))
    }

    /// What is stored under `key`, else X's file (within `fetchTimeout`: the time is X's to keep,
    /// not the store's) stored.
    private func fetch(_ reference: XDMMediaReference, as key: MediaKey, client: any XMediaDownloading) async -> AttachmentOutcome {
        do {
            if let stored = try await storage.find(key) { return .available(stored) }
            let download = try await download(reference, client: client)
            guard !download.bytes.isEmpty else { return .unavailable(reason: "X served an empty file") }
            let type = MediaSniffer.contentType(of: download.bytes, declared: download.contentType)
            return .available(try await storage.store(ByteBuffer(bytes: download.bytes), as: key, contentType: type))
        } catch {
            return .failed(error, maxBytes: settings.maxBytes)
        }
    }

    /// X's file, or `FetchTimeout` past `fetchTimeout` (the download is cancelled).
    private func download(_ reference: XDMMediaReference, client: any XMediaDownloading) async throws -> XMediaDownload {
        let (timeout, maxBytes) = (settings.fetchTimeout, settings.maxBytes)
        return try await withThrowingTaskGroup(of: XMediaDownload?.self) { group in
            group.addTask { try await client.downloadDMMedia(reference, maxBytes: maxBytes) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let download = first else { throw AttachmentOutcome.FetchTimeout() }
            return download
        }
    }

    /// Records `pending` in the store; a failure only costs the fetch after a restart, so it is
    /// logged and the fetch goes on in memory.
    private func remember(_ pending: PendingMedia, as key: MediaKey) async {
        do {
            try await storage.recordPending(pending, as: key)
        } catch {
            logger.warning("could not record media still to fetch; a restart would leave it pending", metadata: ["media": "\(key)", "error": "\(error)"])
        }
    }

    private func forget(_ key: MediaKey) async {
        do {
            try await storage.clearPending(key)
        } catch {
            logger.warning("could not clear media fetched or given up from the list still to fetch", metadata: ["media": "\(key)", "error": "\(error)"])
        }
    }

    /// Schedules the items an earlier process left pending (it stopped or died before their
    /// background fetches ended), each where its retries had got to.
    private func resumePending() async {
        let left: [PendingMedia]
        do {
            left = try await storage.pendingMedia()
        } catch {
            logger.warning("could not list the media an earlier process left to fetch", metadata: ["error": "\(error)"])
            return
        }
        var resumed = 0
        for pending in left {
            guard let key = MediaKey(pending.key), key.segments.count == 3 else { continue }
            let (account, dmId) = (key.segments[0], key.segments[1])
            guard let client = clients[account], let reference = XDMMediaReference(mediaURL: pending.source, dmId: dmId) else {
                // Another deployment's account on a shared volume, or a record this build cannot read.
                continue
            }
            if pending.attempts > settings.retries {
                await forget(key)
                continue
            }
            schedule(Retry(client: client, reference: reference, key: key, attempt: max(1, pending.attempts)))
            resumed += 1
        }
        if resumed > 0 { logger.info("\(resumed) media item(s) an earlier process left pending will be fetched again") }
    }

    private func schedule(_ retry: Retry) {
        pendingCount.add(1, ordering: .relaxed)
        scheduled.yield(retry)
    }

    private static func count(_ outcome: AttachmentOutcome) {
        Counter(label: "kiamo_ingest_media_total", dimensions: [("status", outcome.status)]).increment()
    }

    // MARK: - Service

    /// Runs the background fetches and the hourly purge until graceful shutdown.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.purgeNowAndThen() }
                group.addTask { await self.resumePending() }
                for await retry in retries {
                    group.addTask { await self.retry(retry) }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.scheduled.finish()
        }
        let dropped = pendingCount.load(ordering: .relaxed)
        if dropped > 0 { logger.info("\(dropped) background media fetch(es) left for the next process (recorded in the media store)") }
    }

    private func retry(_ retry: Retry) async {
        let delay = settings.retryDelay * (1 << min(retry.attempt - 1, 10))
        do {
            try await Task.sleep(for: delay)
        } catch {
            return
        }
        let outcome = await fetch(retry.reference, as: retry.key, client: retry.client)
        // Counted down only once the next try (if any) is scheduled: the count never reads 0
        // while an item is still to fetch.
        defer { pendingCount.subtract(1, ordering: .relaxed) }
        switch outcome {
        case .available:
            Self.count(outcome)
            await forget(retry.key)
            logger.info("media fetched in the background; its link works now", metadata: ["media": "\(retry.key)", "attempt": "\(retry.attempt)"])
        case .pending(let reason) where retry.attempt < settings.retries:
            logger.info("media still not fetched; trying again", metadata: ["media": "\(retry.key)", "attempt": "\(retry.attempt)", "reason": "\(reason)"])
            await remember(PendingMedia(key: retry.key.description, source: retry.reference.path, attempts: retry.attempt + 1, since: now()), as: retry.key)
            schedule(Retry(client: retry.client, reference: retry.reference, key: retry.key, attempt: retry.attempt + 1))
        case .pending(let reason), .unavailable(let reason):
            Self.count(.unavailable(reason: reason))
            await forget(retry.key)
            logger.warning("media given up; its link will not work", metadata: ["media": "\(retry.key)", "attempts": "\(retry.attempt)", "reason": "\(reason)"])
        }
    }

    /// Deletes media older than `retention`, now and every hour.
    private func purgeNowAndThen() async {
        while !Task.isCancelled {
            let cutoff = now().addingTimeInterval(-Double(settings.retention.components.seconds))
            do {
                let removed = try await storage.purge(storedBefore: cutoff)
                if removed > 0 { logger.info("\(removed) media item(s) older than media.retention deleted") }
            } catch {
                logger.warning("purging old media failed; trying again in an hour", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                return
            }
        }
    }
}
