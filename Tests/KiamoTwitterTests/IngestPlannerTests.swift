import Foundation
import Testing
import XAPI

@testable import KiamoTwitter

@Suite struct IngestPlannerTests {
    let account = "1234"
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var mapper: KiamoMessageMapper { KiamoMessageMapper(accountId: account) }
    let planner = IngestPlanner(overlap: .seconds(120), backfill: .zero)

    /// An event created `secondsAgo` before `now` (its id carries that time), from `sender`.
    func event(_ secondsAgo: Double, from sender: String = "906948460078698496", sequence: UInt64 = 0, type: DMEventType = .messageCreate) -> DMEvent {
        let id = Snowflake.firstId(at: now.addingTimeInterval(-secondsAgo)) + sequence
        return DMEvent(
            id: String(id), eventType: type, text: "t\(secondsAgo)", createdAt: now.addingTimeInterval(-secondsAgo),
            senderId: sender, conversationId: nil)
    }

    func id(_ event: DMEvent) -> UInt64 { Snowflake.parse(event.id) ?? 0 }

    @Test func aQuietPollWritesItsCursorOnceTheClockMovedItHalfTheOverlap() {
        let cursor = Snowflake.firstId(at: now.addingTimeInterval(-120))
        let later = { (seconds: Double) in Snowflake.firstId(at: now.addingTimeInterval(-120 + seconds)) }
        #expect(planner.quietCommitDue(previous: nil, next: cursor, newestRead: nil, recordsBaseline: false), "no cursor yet")
        #expect(planner.quietCommitDue(previous: cursor, next: cursor, newestRead: nil, recordsBaseline: true), "a first run's baseline")
        #expect(!planner.quietCommitDue(previous: cursor, next: cursor, newestRead: nil, recordsBaseline: false))
        #expect(!planner.quietCommitDue(previous: cursor, next: later(59.999), newestRead: cursor, recordsBaseline: false))
        #expect(planner.quietCommitDue(previous: cursor, next: later(60), newestRead: nil, recordsBaseline: false))
        // An event read past the cursor but not published (the account's own reply) moves it at once.
        #expect(planner.quietCommitDue(previous: cursor, next: later(1), newestRead: later(1), recordsBaseline: false))
    }

    @Test func publishesNewMessagesOldestFirstAndMovesTheCursorPastAll() {
        let cursorEvent = event(300)
        let new = [event(10), event(50), event(30)]
        let plan = planner.plan(events: new + [cursorEvent], cursor: id(cursorEvent), now: now, mapper: mapper) { $0 == cursorEvent.id }
        #expect(plan.publish.map(\.id) == [new[1], new[2], new[0]].map(\.id))
        // Everything confirmed: the clock (now − overlap) is behind the newest event read.
        #expect(plan.cursor(confirmedPrefix: 3) == id(new[0]))
    }

    @Test func readsBackThroughTheOverlapAndDropsWhatTheLedgerHas() {
        let cursor = id(event(60))
        let lateVisible = event(200) // older than the cursor, newer than cursor − (overlap + sweep interval)
        let tooOld = event(300) // beyond it: a previous sweep saw it
        let published = event(90)
        let plan = planner.plan(events: [lateVisible, tooOld, published], cursor: cursor, now: now, mapper: mapper) { $0 == published.id }
        #expect(plan.publish.map(\.id) == [lateVisible.id])
        #expect(planner.floor(cursor: cursor, now: now) == Snowflake.id(cursor, movedBackBy: .seconds(180)))
    }

    @Test func aQuickPollReadsDownToTheCursorAndASweepBackThroughTheOverlap() {
        let cursor = id(event(60))
        #expect(planner.readFloor(cursor: cursor, now: now, sweep: false) == cursor)
        #expect(planner.readFloor(cursor: cursor, now: now, sweep: true) == planner.floor(cursor: cursor, now: now))
        // Before the first commit there is no cursor to stop at: the backfill floor, sweep or not.
        #expect(planner.readFloor(cursor: nil, now: now, sweep: false) == planner.floor(cursor: nil, now: now))
    }

    @Test func aSweepIsDueFirstAndThenEveryHalfOverlap() {
        #expect(planner.sweepInterval == .seconds(60))
        #expect(planner.sweepDue(sinceLastSweep: nil))
        #expect(!planner.sweepDue(sinceLastSweep: .seconds(59)))
        #expect(planner.sweepDue(sinceLastSweep: .seconds(60)))
    }

    /// The late-event promise with the cursor as far ahead as a commit may put it: an event that
    /// became visible just after a sweep started reading, created a whole overlap before, is
    /// above the next sweep's floor.
    @Test func theNextSweepReachesAnEventThatBecameVisibleLateAfterTheLastSweep() throws {
        let lastSweep = now.addingTimeInterval(-61)
        let cap = try #require(planner.cursorCap(lastSweepStartedAt: lastSweep))
        #expect(cap == Snowflake.firstId(at: lastSweep.addingTimeInterval(60)))
        #expect(planner.cursorCap(lastSweepStartedAt: nil) == nil)
        // Visible 1 ms after the sweep's first read, created `overlap` before it became visible.
        let late = Snowflake.firstId(at: lastSweep.addingTimeInterval(0.001 - 120))
        #expect(planner.floor(cursor: cap, now: now) < late)
    }

    @Test func aFailedPublishHoldsTheCursorBelowIt() {
        let cursor = id(event(600))
        let events = [event(50), event(40), event(30), event(20)]
        let plan = planner.plan(events: events + [event(45, from: account)], cursor: cursor, now: now, mapper: mapper) { _ in false }
        #expect(plan.publish.count == 4)
        // The second message failed: the cursor may pass the first and the skipped self-sent one, not the failed one.
        #expect(plan.cursor(confirmedPrefix: 1) == id(event(45, from: account)))
        #expect(plan.cursor(confirmedPrefix: 0) == cursor)
        #expect(plan.cursor(confirmedPrefix: 4) == id(events[3]))
    }

    @Test func aQuietAccountFollowsTheClock() {
        let cursor = id(event(86_400))
        let plan = planner.plan(events: [], cursor: cursor, now: now, mapper: mapper) { _ in false }
        #expect(plan.cursor(confirmedPrefix: 0) == Snowflake.firstId(at: now.addingTimeInterval(-120)))
    }

    @Test func theCursorNeverMovesBack() {
        let cursor = id(event(5))
        let plan = planner.plan(events: [event(100)], cursor: cursor, now: now, mapper: mapper) { _ in false }
        #expect(plan.cursor(confirmedPrefix: 1) == cursor)
        #expect(plan.cursor(confirmedPrefix: 0) == cursor)
    }

    @Test func firstRunWithoutBackfillPublishesNothingAndRemembersWhatItSaw() {
        let visible = [event(30), event(3600)]
        let plan = planner.plan(events: visible, cursor: nil, now: now, mapper: mapper) { _ in false }
        #expect(plan.publish.isEmpty)
        #expect(plan.baseline == [visible[0].id]) // within the overlap; the older one is below the floor
        #expect(plan.cursor(confirmedPrefix: 0) == id(visible[0]))
        #expect(
            planner.plan(events: [], cursor: nil, now: now, mapper: mapper) { _ in false }.cursor(confirmedPrefix: 0)
                == Snowflake.firstId(at: now.addingTimeInterval(-120)))
    }

    @Test func firstRunWithBackfillPublishesTheWindow() {
        let planner = IngestPlanner(overlap: .seconds(120), backfill: .seconds(86_400))
        let plan = planner.plan(events: [event(3600), event(90_000), event(86_450)], cursor: nil, now: now, mapper: mapper) { _ in false }
        #expect(plan.publish.map(\.id) == [event(3600).id])
        #expect(plan.baseline == [event(86_450).id])
    }

    @Test func skipsNonMessagesSelfSentAndBadIdsButStillPassesThem() {
        let cursor = id(event(600))
        let join = event(50, type: .participantsJoin)
        let mine = event(40, from: account)
        let bad = DMEvent(id: "12x", text: "?", createdAt: now, senderId: "1", conversationId: nil)
        let plan = planner.plan(events: [join, mine, bad], cursor: cursor, now: now, mapper: mapper) { _ in false }
        #expect(plan.publish.isEmpty)
        #expect(Set(plan.skipped.map(\.1)) == [.notAMessage(.participantsJoin), .sentByAccount, .invalidId])
        #expect(plan.cursor(confirmedPrefix: 0) == id(mine))
    }

    @Test func duplicatesAcrossPagesArePublishedOnce() {
        let cursor = id(event(600))
        let a = event(20), b = event(10)
        let plan = planner.plan(events: [b, a, a, b], cursor: cursor, now: now, mapper: mapper) { _ in false }
        #expect(plan.publish.map(\.id) == [a.id, b.id])
    }

    /// A DM read twice in one poll (the page boundary moved under a sweep) is one event, and the
    /// later reading wins, as it did when the planner kept a dictionary of events by id.
    @Test func anIdReadTwiceKeepsItsLastReadingAndCountsOnceForTheCursor() {
        let cursor = id(event(600))
        let first = event(20)
        var edited = first
        edited.text = "read again"
        let b = event(10)
        let plan = planner.plan(events: [b, first, edited], cursor: cursor, now: now, mapper: mapper) { _ in false }
        #expect(plan.publish.map(\.text) == ["read again", b.text])
        #expect(plan.readIds == [id(first), id(b)])
        #expect(plan.cursor(confirmedPrefix: 1) == id(first))
    }

    @Test func idsOfDifferentLengthsOrderAsNumbers() {
        let planner = IngestPlanner(overlap: .seconds(120), backfill: .zero)
        let short = DMEvent(id: "999", text: "a", createdAt: now, senderId: "5", conversationId: nil)
        let long = DMEvent(id: "1000", text: "b", createdAt: now, senderId: "5", conversationId: nil)
        let plan = planner.plan(events: [long, short], cursor: 1, now: Date(timeIntervalSince1970: 1_288_834_975), mapper: mapper) { _ in false }
        #expect(plan.publish.map(\.id) == ["999", "1000"])
    }

    @Test func pagingStopsAtTheFloor() {
        #expect(planner.readsMore(oldestId: 500, floor: 400, hasNextPage: true))
        #expect(!planner.readsMore(oldestId: 400, floor: 400, hasNextPage: true))
        #expect(!planner.readsMore(oldestId: 500, floor: 400, hasNextPage: false))
        #expect(!planner.readsMore(oldestId: nil, floor: 400, hasNextPage: true))
    }
}

@Suite struct KiamoMessageMapperTests {
    let mapper = KiamoMessageMapper(accountId: "1234")

    @Test func buildsTheKiamoMessageWithSenderAndAttachments() {
        let event = DMEvent(
            id: "1582838593371127812", text: "Hello \"you\"\nمرحبا 👋🏽", createdAt: Date(timeIntervalSince1970: 1_666_189_035.9),
            senderId: "906948460078698496", conversationId: "1234-906948460078698496", mediaKeys: ["3_1", "7_2"])
        let message = mapper.buildMessageRecord(
            event, sender: XUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe"),
            media: [
                "3_1": XMedia(mediaKey: "3_1", type: "photo", url: "https://pbs.twimg.com/media/a.jpg"),
                "7_2": XMedia(mediaKey: "7_2", type: "video", url: nil, previewImageURL: "https://pbs.twimg.com/p.jpg"),
            ])
        #expect(
            message
                == KiamoMessage(
                    id: "1582838593371127812", createdAt: 1_666_189_035, senderId: "906948460078698496",
                    senderName: "Jane Doe@janedoe", content: "Hello \"you\"\nمرحبا 👋🏽", accountId: "1234",
                    conversationId: "1234-906948460078698496",
                    attachments: [
                        KiamoAttachment(type: "photo", url: "https://pbs.twimg.com/media/a.jpg", mediaKey: "3_1"),
                        KiamoAttachment(type: "video", url: "https://pbs.twimg.com/p.jpg", mediaKey: "7_2"),
                    ]))
    }

    @Test func fallsBackWhenXLeavesThingsOut() {
        let event = DMEvent(id: "1582838593371127812", text: "x", createdAt: nil, senderId: "99", conversationId: nil, mediaKeys: ["k"])
        let message = mapper.buildMessageRecord(event, sender: nil, media: [:])
        #expect(message.senderName == "99")
        #expect(message.conversationId == "99-1234")
        #expect(message.createdAt == 1_666_213_103)
        #expect(message.attachments == [KiamoAttachment(type: "media", url: nil, mediaKey: "k")])
    }

    @Test func templatesTheSenderName() {
        let custom = KiamoMessageMapper(accountId: "1", senderNameTemplate: "{name} (@{username}, {id})")
        #expect(custom.buildUserRecord(XUser(id: "5", name: "Ann", username: "ann")) == "Ann (@ann, 5)")
    }
}
