import AMQP
import Foundation
import Logging
import SharedState
import Synchronization
import TestSupport
import Testing
import XAPI

@testable import KiamoTwitter

/// The ingest engine with a fake X and a fake publisher, on a real SQLite state file.
@Suite struct IngestEngineTests {
    let account = "1234"
    let customer = XUser(id: "906948460078698496", name: "Jane \"JD\" Doe", username: "janedoe")

    func makeState() async throws -> any StateStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString).db").path
        return try await SQLiteStateStore.open(SQLiteLocation(path: path), logger: Logger(label: "test"))
    }

    func engine(
        _ client: FakeXClient, _ state: any StateStore, _ publisher: any ConfirmedPublisher,
        backfill: Duration = .zero, owner: String = "test-owner", pageSize: Int = 100,
        overlap: Duration = .seconds(120), leaseTTL: Duration = .seconds(15),
        now: @escaping @Sendable () -> Date = { Date() },
        sweepClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) -> IngestEngine {
        IngestEngine(
            account: account, client: client, state: state, publisher: publisher, topology: Topology(),
            settings: .init(
                pollInterval: .seconds(1), paginationCount: pageSize, overlap: overlap, backfill: backfill,
                leaseTTL: leaseTTL, publishBatch: 7),
            owner: owner, logger: Logger(label: "test"), now: now, sweepClock: sweepClock)
    }

    /// A DM `secondsAgo` old from `sender`, with a snowflake id of that time.
    func dm(_ secondsAgo: Double, from sender: String? = nil, text: String? = nil, sequence: UInt64 = 0) -> DMEvent {
        let created = Date().addingTimeInterval(-secondsAgo)
        let id = Snowflake.firstId(at: created) + sequence
        let from = sender ?? customer.id
        return DMEvent(
            id: String(id), text: text ?? "message \(id)", createdAt: created, senderId: from,
            conversationId: DMEvent.oneToOneConversationId(account, from), participantIds: [account, from])
    }

    /// An engine past its first poll (nothing to backfill: the cursor is now), X knowing `customer`.
    func caughtUp() async throws -> (client: FakeXClient, state: any StateStore, publisher: RecordingPublisher, engine: IngestEngine) {
        let client = FakeXClient()
        client.add(user: customer)
        let state = try await makeState()
        let publisher = RecordingPublisher()
        let engine = engine(client, state, publisher)
        _ = try await engine.pollOnce()
        return (client, state, publisher, engine)
    }

    func bodies(_ publisher: RecordingPublisher) throws -> [KiamoMessage] {
        try publisher.messages.map { try KiamoJSON.decode(KiamoMessage.self, from: $0.body) }
    }

    @Test func theInboundLedgerForgetsWhatIsOlderThanItsRetentionAnHourAtATime() async throws {
        // The ledger of published ids only guards the overlap read-back and X's 30 days; kept
        // for ever it grew by every DM ever received (nothing called pruneInbound).
        let clock = TestClock(Date())
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString).db").path
        let state = try await SQLiteStateStore.open(SQLiteLocation(path: path), options: StateStoreOptions(clock: clock), logger: Logger(label: "test"))
        let old = dm(40 * 86_400)
        try await state.commitInbound(account: account, publishedIds: [old.id], cursor: nil)
        clock.advance(seconds: 31 * 86_400)
        let elapsed = Mutex(Duration.zero)
        let start = ContinuousClock.now
        let engine = engine(FakeXClient(), state, RecordingPublisher(), sweepClock: { start.advanced(by: elapsed.withLock { $0 }) })

        _ = try await engine.pollOnce()
        #expect(try await state.filterUnseen(account: account, ids: [old.id]) == [old.id], "past the 30-day retention: forgotten")

        // An hour later, not before, the next clean-up.
        try await state.commitInbound(account: account, publishedIds: [old.id], cursor: nil)
        clock.advance(seconds: 31 * 86_400)
        elapsed.withLock { $0 = .seconds(1800) }
        _ = try await engine.pollOnce()
        #expect(try await state.filterUnseen(account: account, ids: [old.id]) == [], "half an hour later: not cleaned again yet")
        elapsed.withLock { $0 = .seconds(3601) }
        _ = try await engine.pollOnce()
        #expect(try await state.filterUnseen(account: account, ids: [old.id]) == [old.id])
    }

    @Test func firstRunStartsFromNowThenPublishesNewDMsOldestFirstWithContractProperties() async throws {
        let client = FakeXClient()
        client.add(user: customer)
        client.add([dm(60), dm(3600)]) // before the first run: not published
        let state = try await makeState()
        let publisher = RecordingPublisher()
        let engine = engine(client, state, publisher)

        let first = try await engine.pollOnce()
        #expect(first.published == 0)
        #expect(publisher.messages.isEmpty)

        let new = (0..<20).map { dm(Double(20 - $0) / 10, text: "line \($0)\n✓ \"quoted\" 👋🏽", sequence: UInt64($0)) }
        client.add(new.shuffled())
        let second = try await engine.pollOnce()
        #expect(second.published == 20)
        let published = try bodies(publisher)
        #expect(published.map(\.id) == new.map(\.id))
        #expect(published[3].content == "line 3\n✓ \"quoted\" 👋🏽")
        #expect(published[3].senderName == "Jane \"JD\" Doe@janedoe")
        #expect(published[3].conversationId == "1234-906948460078698496")
        let message = try #require(publisher.messages.first)
        #expect(message.exchange == "kiamo.twitter")
        #expect(message.routingKey == "inbound.1234")
        #expect(message.mandatory)
        #expect(message.properties.deliveryMode == .persistent)
        #expect(message.properties.contentType == "application/json")
        #expect(message.properties.messageId == new[0].id)
        #expect(message.properties.type == "kiamo.message")
        #expect(message.properties.headers.entries["x-account-id"] == .string(account))
        #expect(try await state.cursor(account: account) == new.last?.id)

        let third = try await engine.pollOnce()
        #expect(third.published == 0)
        #expect(publisher.messages.count == 20)
    }

    @Test func aFailedPublishEndsTheBatchAndTheNextPollPublishesTheRestOnce() async throws {
        let (client, state, publisher, engine) = try await caughtUp()

        let new = (0..<30).map { dm(Double(30 - $0) / 10, sequence: UInt64($0)) }
        client.add(new)
        publisher.fail(messageIds: [new[12].id])
        let report = try await engine.pollOnce()
        #expect(!report.complete)
        #expect(report.cursor == new[11].id)

        let retry = try await engine.pollOnce()
        #expect(retry.complete)
        let ids = try bodies(publisher).map(\.id)
        #expect(Set(ids) == Set(new.map(\.id)))
        #expect(ids.count == Set(ids).count, "no message published twice")
        #expect(try await state.cursor(account: account) == new.last?.id)
    }

    @Test func aDMThatBecomesVisibleLateWithinTheOverlapIsPublished() async throws {
        let (client, _, publisher, engine) = try await caughtUp()
        client.add([dm(1)])
        _ = try await engine.pollOnce()
        let late = dm(30) // older than the cursor, visible only now
        client.add([late])
        _ = try await engine.pollOnce()
        #expect(try bodies(publisher).map(\.id).last == late.id)
        #expect(publisher.messages.count == 2)
    }

    @Test func legacySendersAreLookedUpOncePerUserWhileCached() async throws {
        let client = FakeXClient(apiVersion: .v1_1)
        client.add(user: customer)
        client.add(user: XUser(id: "77", name: "Bob", username: "bob"))
        let state = try await makeState()
        let publisher = RecordingPublisher()
        let engine = engine(client, state, publisher)
        _ = try await engine.pollOnce()
        client.add([dm(3), dm(2, from: "77"), dm(1.5, from: "404")])
        _ = try await engine.pollOnce()
        client.add([dm(1), dm(0.5, from: "77")])
        _ = try await engine.pollOnce()
        #expect(client.userCalls == 3, "customer, Bob and the unknown sender once each")
        let names = try bodies(publisher).map(\.senderName)
        #expect(names == ["Jane \"JD\" Doe@janedoe", "Bob@bob", "404", "Jane \"JD\" Doe@janedoe", "Bob@bob"])
    }

    @Test func pagesAreReadUntilTheCursorAndNoFurther() async throws {
        let client = FakeXClient()
        client.add(user: customer)
        // A month of history the first run must not read through.
        client.add((0..<500).map { dm(86_400 + Double($0) * 60) })
        let state = try await makeState()
        let publisher = RecordingPublisher()
        // The sweep clock stands still: on a loaded machine the polls can span a sweep interval,
        // and a sweep reads back the whole overlap (a CI run read 11 pages so).
        let frozen = ContinuousClock.now
        let engine = engine(client, state, publisher, pageSize: 50, sweepClock: { frozen })
        _ = try await engine.pollOnce()
        #expect(client.listCalls == 1)
        client.add((0..<120).map { dm(Double(120 - $0) / 100, sequence: UInt64($0)) })
        let report = try await engine.pollOnce()
        #expect(report.published == 120)
        #expect(report.pages == 3, "two pages of new DMs, and the third reaches back past the cursor")
    }

    @Test func aQuickPollAfterABurstReadsOnlyWhatIsNew() async throws {
        let client = FakeXClient()
        client.add(user: customer)
        let state = try await makeState()
        // The sweep clock stands still: the burst below took over a minute on a loaded CI machine,
        // the quick poll came a sweep interval later and read the whole overlap back (11 pages).
        let frozen = ContinuousClock.now
        let engine = engine(client, state, RecordingPublisher(), pageSize: 50, sweepClock: { frozen })
        _ = try await engine.pollOnce()
        client.add((0..<500).map { dm(Double(500 - $0) / 1000, sequence: UInt64($0)) })
        let burst = try await engine.pollOnce()
        #expect(burst.published == 500)
        #expect(!burst.sweep)
        client.add([dm(0)])
        let after = try await engine.pollOnce()
        #expect(!after.sweep)
        #expect(after.published == 1)
        #expect(after.pages == 1, "one page holds the new DM and reaches the cursor; the burst is not read again")
    }

    @Test func aLateDMBehindTheFirstPageIsPublishedByTheNextSweep() async throws {
        let client = FakeXClient()
        client.add(user: customer)
        let state = try await makeState()
        let publisher = RecordingPublisher()
        // Overlap 8 s: a sweep every 4 s of the sweep clock, moved by hand: on a loaded machine
        // three polls can take longer than 4 s, and the quick poll below would be a sweep.
        let start = ContinuousClock.now
        let elapsed = Mutex(Duration.zero)
        let engine = engine(
            client, state, publisher, pageSize: 10, overlap: .seconds(8),
            sweepClock: { start.advanced(by: elapsed.withLock { $0 }) })
        _ = try await engine.pollOnce()
        client.add((0..<30).map { dm(0.3 - Double($0) / 1000, sequence: UInt64($0)) })
        #expect(try await engine.pollOnce().published == 30)
        let late = dm(3) // older than all 30, visible only now, three pages down
        client.add([late])
        let quick = try await engine.pollOnce()
        #expect(!quick.sweep)
        // Whether the quick poll already reaches it depends on where the wall clock put the
        // cursor; the promise is that the next sweep publishes it at the latest, and once.
        elapsed.withLock { $0 = .seconds(4) }
        #expect(try await engine.pollOnce().sweep)
        #expect(quick.published <= 1)
        #expect(try bodies(publisher).map(\.id).last == late.id)
        #expect(publisher.messages.count == 31)
    }

    /// A quiet account's cursor follows the clock, written once it moved half the overlap, not on
    /// every poll: before, each quiet poll was a state write (1 of 7.9 transactions a poll in
    /// `scripts/bench hosts`). A DM arriving meanwhile is published and committed as ever.
    @Test func aQuietAccountsCursorIsWrittenOnceItMovedHalfTheOverlapNotOnEveryPoll() async throws {
        let client = FakeXClient()
        client.add(user: customer)
        let state = try await makeState()
        let publisher = RecordingPublisher()
        let start = Date()
        let clock = Mutex(start)
        let engine = engine(client, state, publisher, now: { clock.withLock { $0 } })
        _ = try await engine.pollOnce()
        let first = try #require(try await state.cursor(account: account))
        for _ in 0..<11 {
            clock.withLock { $0 += 5 } // 55 s of quiet polls at 5 s: under half the overlap (60 s)
            #expect(try await engine.pollOnce().cursor == first)
        }
        #expect(try await state.cursor(account: account) == first, "a quiet poll wrote the cursor")
        clock.withLock { $0 += 5 }
        _ = try await engine.pollOnce()
        let moved = try #require(try await state.cursor(account: account))
        #expect(moved == String(Snowflake.firstId(at: start.addingTimeInterval(60 - 120))))

        // The account's own reply is read, never published: the cursor passes it at once (so no
        // poll reads it again, and a test waiting for the cursor to reach the newest event ends).
        let own = dm(0.2, from: account)
        client.add([own])
        #expect(try await engine.pollOnce().published == 0)
        #expect(try await state.cursor(account: account) == own.id)

        let new = dm(0.1)
        client.add([new])
        #expect(try await engine.pollOnce().published == 1)
        #expect(try await state.filterUnseen(account: account, ids: [new.id]).isEmpty)
    }

    @Test func aChunkCommitsBeforeTheNextGoesSoAFailureKeepsWhatWasConfirmed() async throws {
        let (client, state, publisher, engine) = try await caughtUp()
        let new = (0..<20).map { dm(Double(20 - $0) / 100, sequence: UInt64($0)) }
        client.add(new)
        // The 10th (second chunk of 7) fails: chunk one is committed, chunk two up to it too.
        publisher.fail(messageIds: [new[9].id])
        let report = try await engine.pollOnce()
        #expect(!report.complete)
        #expect(try await state.filterUnseen(account: account, ids: new.map(\.id)) == [new[9].id] + new[14...].map(\.id))
        #expect(try await state.cursor(account: account) == new[8].id)
    }

    /// Fetching a chunk's media takes time the lease may not outlast: a process that lost it
    /// meanwhile publishes none of that chunk and leaves the cursor to the new holder.
    @Test func aProcessThatLostTheLeaseWhileFetchingMediaPublishesNoneOfTheChunk() async throws {
        let (base, state, publisher, _) = try await caughtUp()
        let client = LeaseStealingMediaClient(base: base, state: state, account: account, thief: "b")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lease-media-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let media = InboundMedia(
            settings: MediaSettings(folder: folder, publicURL: "https://media.example.com", linkSecret: Secret(String(repeating: "s", count: 32))),
            logger: Logger(label: "test"))
        let engine = IngestEngine(
            account: account, client: client, state: state, publisher: publisher, topology: Topology(),
            settings: .init(pollInterval: .seconds(1), paginationCount: 100, overlap: .seconds(120), backfill: .zero, leaseTTL: .seconds(15), publishBatch: 7),
            owner: "test-owner", media: media, logger: Logger(label: "test"))
        _ = try await engine.pollOnce()
        let cursorBefore = try await state.cursor(account: account)
        let publishedBefore = publisher.messages.count
        var photo = dm(0.1)
        photo.mediaKeys = ["3_1"]
        base.add([photo])
        await #expect(throws: LeadershipLost.self) { try await engine.pollOnce() }
        #expect(client.downloadCount == 1)
        #expect(publisher.messages.count == publishedBefore, "nothing of the chunk was published")
        #expect(try await state.cursor(account: account) == cursorBefore)
        #expect(try await state.filterUnseen(account: account, ids: [photo.id]) == [photo.id], "left for the new holder")
    }

    @Test func aProcessThatLostTheLeaseDuringAPublishPublishesNoMoreAndLeavesTheCursor() async throws {
        let (client, state, _, _) = try await caughtUp()
        let publisher = StealingPublisher(state: state, account: account, thief: "b")
        let engine = engine(client, state, publisher)
        _ = try await engine.pollOnce()
        let cursorBefore = try await state.cursor(account: account)
        let new = (0..<20).map { dm(Double(20 - $0) / 100, sequence: UInt64($0)) }
        client.add(new)
        await #expect(throws: LeadershipLost.self) { try await engine.pollOnce() }
        #expect(publisher.batches == 1, "no chunk after the lease was lost")
        #expect(try await state.cursor(account: account) == cursorBefore)
        // What the broker confirmed is recorded: the new holder does not publish it again.
        #expect(try await state.filterUnseen(account: account, ids: new.map(\.id)) == new.dropFirst(7).map(\.id))
    }

    @Test func selfSentJoinsAndBadIdsAreSkippedWithoutStoppingTheStream() async throws {
        let (client, _, _, engine) = try await caughtUp()
        var join = dm(3)
        join.eventType = .participantsJoin
        let bad = DMEvent(id: "not-a-number", text: "?", createdAt: Date(), senderId: customer.id, conversationId: nil)
        client.add([join, dm(2, from: account), bad, dm(1)])
        let report = try await engine.pollOnce()
        #expect(report.published == 1)
        #expect(report.skipped == 3)
    }

    /// `kiamo_ingest_skipped_total` follows `report.skipped`: a DM the account sent itself is read
    /// again by every quick poll whose page holds it and by every sweep, and was counted again
    /// each time (issue 18).
    @Test func aSkippedEventIsCountedOnceHoweverOftenItIsReadAgain() async throws {
        let (client, state, publisher, engine) = try await caughtUp()
        client.add([dm(3, from: account), dm(2)])
        let first = try await engine.pollOnce()
        #expect(first.published == 1 && first.skipped == 1)
        let quick = try await engine.pollOnce()
        #expect(!quick.sweep && quick.skipped == 0, "a quick poll read the page again: \(quick)")
        // A restarted process sweeps first, back through the overlap: the event is below the cursor.
        let restarted = self.engine(client, state, publisher)
        let sweep = try await restarted.pollOnce()
        #expect(sweep.sweep && sweep.skipped == 0, "the sweep counted it again: \(sweep)")
    }

    /// `kiamo_ingest_lag_seconds` follows `report.lagSeconds`: set by every poll that completes, 0
    /// when everything read is published, and the age of the oldest DM still waiting when a
    /// publish failed; it used to keep the last published message's age while nothing arrived.
    @Test func theLagIsZeroWhenCaughtUpAndTheWaitingDMsAgeWhenAPublishFailed() async throws {
        let (client, _, publisher, engine) = try await caughtUp()
        let waiting = dm(40)
        client.add([dm(50), waiting, dm(30)])
        publisher.fail(messageIds: [waiting.id])
        let failed = try await engine.pollOnce()
        #expect(!failed.complete)
        let lag = try #require(failed.lagSeconds)
        #expect(lag >= 40 && lag < 40 + 3600, "the waiting DM is 40 s old: \(lag)")

        publisher.fail(messageIds: [])
        let caughtUp = try await engine.pollOnce()
        #expect(caughtUp.complete && caughtUp.lagSeconds == 0)
        let quiet = try await engine.pollOnce()
        #expect(quiet.published == 0 && quiet.lagSeconds == 0, "a quiet poll reports it too: \(quiet)")
    }

    @Test func backfillPublishesTheConfiguredWindowOnTheFirstRun() async throws {
        let client = FakeXClient()
        client.add(user: customer)
        client.add([dm(7200), dm(600), dm(172_800)])
        let state = try await makeState()
        let publisher = RecordingPublisher()
        let report = try await engine(client, state, publisher, backfill: .seconds(86_400)).pollOnce()
        #expect(report.published == 2)
    }

    @Test func onlyTheLeaseHolderPolls() async throws {
        let client = FakeXClient()
        let state = try await makeState()
        let holder = engine(client, state, RecordingPublisher(), owner: "a")
        let standby = engine(client, state, RecordingPublisher(), owner: "b")
        _ = try await holder.pollOnce()
        await #expect(throws: LeadershipLost.self) { try await standby.pollOnce() }
    }

    @Test func backoffGrowsCapsAndHonoursARateLimitReset() {
        let now = Date()
        #expect(IngestEngine.backoff(after: 1, error: CancellationError(), now: now) == .seconds(1))
        #expect(IngestEngine.backoff(after: 4, error: CancellationError(), now: now) == .seconds(8))
        #expect(IngestEngine.backoff(after: 30, error: CancellationError(), now: now) == .seconds(60))
        let limited = XAPIError.rateLimited(operation: .listDMEvents, resetAt: now.addingTimeInterval(90), rateLimit: nil)
        #expect(IngestEngine.backoff(after: 1, error: limited, now: now) == .seconds(90))
    }
}

/// Publishes (confirming every message), but while the first batch waits on the "broker" another
/// owner takes the ingest lease: what a standby does when a publish outlasts the TTL.
final class StealingPublisher: ConfirmedPublisher {
    let state: any StateStore
    let account: String
    let thief: String
    private let count = Mutex(0)

    init(state: any StateStore, account: String, thief: String) {
        self.state = state
        self.account = account
        self.thief = thief
    }

    var batches: Int { count.withLock { $0 } }

    func publish(_ messages: [AMQPMessage]) async -> [Result<Void, AMQPError>] {
        let first = count.withLock { count in
            count += 1
            return count == 1
        }
        if first, let holder = try? await state.leaseHolder(account: account, name: "ingest") {
            _ = try? await state.releaseLease(account: account, name: "ingest", owner: holder.owner)
            _ = try? await state.acquireLease(account: account, name: "ingest", owner: thief, ttl: .seconds(60))
        }
        return messages.map { _ in .success(()) }
    }
}

/// An X account whose DMs carry a photo each, and whose media downloads hand the ingest lease to
/// `thief` (another process took over while the chunk's media were fetched).
final class LeaseStealingMediaClient: XDirectMessageClient, XMediaDownloading {
    let base: FakeXClient
    let state: any StateStore
    let account: String
    let thief: String
    private let downloads = Mutex(0)

    init(base: FakeXClient, state: any StateStore, account: String, thief: String) {
        self.base = base
        self.state = state
        self.account = account
        self.thief = thief
    }

    var downloadCount: Int { downloads.withLock { $0 } }
    var apiVersion: XAPIVersion { base.apiVersion }
    func serverNow() -> Date { base.serverNow() }

    func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        let page = try await base.listDMEvents(pageToken: pageToken, maxResults: maxResults)
        let media = page.events.flatMap(\.mediaKeys).map { key in
            XMedia(mediaKey: key, type: "photo", url: "https://api.x.com/2/dm_conversations/media/\(page.events.first { $0.mediaKeys.contains(key) }!.id)/1/AbCd.jpg")
        }
        return DMEventPage(events: page.events, users: page.users, media: media, nextToken: page.nextToken, rateLimit: nil)
    }

    func downloadDMMedia(_ media: XDMMediaReference, maxBytes: Int) async throws -> XMediaDownload {
        let first = downloads.withLock { count in
            count += 1
            return count == 1
        }
        if first, let holder = try? await state.leaseHolder(account: account, name: "ingest") {
            _ = try? await state.releaseLease(account: account, name: "ingest", owner: holder.owner)
            _ = try? await state.acquireLease(account: account, name: "ingest", owner: thief, ttl: .seconds(60))
        }
        return XMediaDownload(bytes: Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]), contentType: nil, rateLimit: nil)
    }

    func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try await base.conversationEvents(with: participantId, pageToken: pageToken, maxResults: maxResults)
    }
    func sendDM(to participantId: String, text: String) async throws -> SentDM { try await base.sendDM(to: participantId, text: text) }
    func me() async throws -> XResponse<XUser> { try await base.me() }
    func user(id: String) async throws -> XResponse<XUser> { try await base.user(id: id) }
    func users(ids: [String]) async throws -> XResponse<[XUser]> { try await base.users(ids: ids) }
    func user(username: String) async throws -> XResponse<XUser> { try await base.user(username: username) }
}
