import AMQP
import Foundation
import Logging
import Metrics
import XAPI

extension IngestEngine {
    /// What publishing one push did.
    public struct PushReport: Sendable, Equatable {
        /// DMs published and confirmed by the broker.
        public var published = 0
        /// DMs the inbound ledger already had (a reconciliation poll, or an earlier delivery).
        public var repeated = 0
        /// Events not published: the account's own DMs, other event types, undecodable ones.
        public var skipped = 0
    }

    /// The oldest DM a push may carry: X replays up to 24 hours back; a day's margin beyond.
    static let pushMaxAge = Duration.seconds(48 * 3600)

    /// Publishes the DMs X pushed for this account (a webhook delivery, a line of the activity
    /// stream), persistent and confirmed, and records them in the inbound ledger. It returns only
    /// when every one of them is confirmed and recorded; it throws otherwise, so that the caller
    /// does not acknowledge the push (X delivers it again, or the reconciliation poll reads it).
    ///
    /// Any process may publish a push, ingest lease or not: the ledger drops what another path
    /// published, and the publish lock (`withPublishLock`) keeps pushes and polls of the account,
    /// in this process and the others, from finding one DM unseen at once. The cursor is the
    /// polls': a push never moves it.
    public func publishPushed(_ delivery: PushDelivery) async throws -> PushReport {
        var report = PushReport()
        for kind in delivery.otherKinds {
            Counter(label: "kiamo_ingest_push_skipped_total", dimensions: [("account", account), ("reason", "event_type")]).increment()
            logger.debug("push skipped: not a DM (\(kind))")
        }
        for failure in delivery.page.undecodable {
            logger.error("pushed event skipped: X sent it in a form that cannot be read (\(failure))")
            Counter(label: "kiamo_ingest_push_skipped_total", dimensions: [("account", account), ("reason", "undecodable")]).increment()
        }
        report.skipped = delivery.otherKinds.count + delivery.page.undecodable.count
        var events: [DMEvent] = []
        let oldest = now().addingTimeInterval(-Self.pushMaxAge.seconds)
        for event in delivery.page.events {
            if (event.createdAt ?? Snowflake.date(of: Snowflake.parse(event.id) ?? 0)) < oldest {
                // X pushes within seconds and replays 24 h at most: an older DM in a push is a
                // captured delivery sent again (its signature has no date). Polls read old DMs.
                report.skipped += 1
                Counter(label: "kiamo_ingest_push_skipped_total", dimensions: [("account", account), ("reason", "stale")]).increment()
                logger.warning("pushed DM skipped: created over \(DurationText.format(Self.pushMaxAge)) ago, older than X pushes or replays")
            } else if let reason = mapper.skipReason(event) {
                report.skipped += 1
                Counter(label: "kiamo_ingest_push_skipped_total", dimensions: [("account", account), ("reason", Self.reasonLabel(reason))]).increment()
            } else if !events.contains(where: { $0.id == event.id }) {
                events.append(event)
            }
        }
        guard !events.isEmpty else { return report }
        // Oldest first, as the poll publishes.
        events.sort { (Snowflake.parse($0.id) ?? 0) < (Snowflake.parse($1.id) ?? 0) }

        return try await withPublishLock {
            let unseen = Set(try await state.filterUnseen(account: account, ids: events.map(\.id)))
            let fresh = events.filter { unseen.contains($0.id) }
            report.repeated = events.count - fresh.count
            guard !fresh.isEmpty else { return report }

            var lookups = PollReport()
            let included = Dictionary(delivery.page.users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let senders = try await resolveSenders(of: fresh, included: included, report: &lookups)
            let mediaByKey = Dictionary(delivery.page.media.map { ($0.mediaKey, $0) }, uniquingKeysWith: { first, _ in first })
            let routingKey = WireContract.RoutingKey.inbound(account: account)
            let traces = fresh.map { IngestTurnTrace(event: $0, read: nil, account: account, exchange: topology.exchange, routingKey: routingKey) }
            var recorded = false
            defer {
                for trace in traces { trace.end(notRecorded: recorded ? nil : "pushed DM not published and recorded (the push is answered as failed; X or the reconciliation poll brings it again)") }
            }
            var messages = fresh.map { mapper.buildMessageRecord($0, sender: senders[$0.senderId ?? ""], media: mediaByKey) }
            if media != nil { messages = await withMedia(messages, media: mediaByKey) }
            let chunk = try zip(messages, traces).map { message, trace in try outgoing(message, trace: trace.publish.context) }
            let results = await publisher.publish(chunk.map(\.message))
            var confirmed: [String] = []
            var failure: AMQPError?
            for (index, result) in results.enumerated() {
                traces[index].confirmed(result)
                switch result {
                case .success: confirmed.append(chunk[index].id)
                case .failure(let error): failure = failure ?? error
                }
            }
            if !confirmed.isEmpty {
                // What the broker confirmed is published whatever else failed: recorded, so the
                // next delivery or poll does not publish it again.
                let failed = await StateWriteRetry(within: settings.leaseTTL / 2).run {
                    _ = try await state.commitInbound(account: account, publishedIds: confirmed, cursor: nil)
                } failed: { attempt, error in
                    if attempt == 1 { logger.warning("recording the pushed DMs failed; trying again", metadata: ["error": "\(error)"]) }
                }
                if let failed { throw failed }
                Counter(label: "kiamo_ingest_messages_published_total", dimensions: [("account", account), ("path", "push")]).increment(by: confirmed.count)
            }
            report.published = confirmed.count
            if let failure {
                Counter(label: "kiamo_ingest_errors_total", dimensions: [("account", account), ("kind", "publish")]).increment()
                throw failure
            }
            recorded = true
            if let newest = fresh.last {
                let created = newest.createdAt ?? Snowflake.date(of: Snowflake.parse(newest.id) ?? 0)
                Timer(label: "kiamo_ingest_push_delay_seconds", dimensions: [("account", account)]).recordNanoseconds(Int64(max(0, now().timeIntervalSince(created)) * 1e9))
            }
            logger.info("push published \(confirmed.count) message(s)", metadata: ["api": "\(delivery.api.rawValue)"])
            return report
        }
    }
}
