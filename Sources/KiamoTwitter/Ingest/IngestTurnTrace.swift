import AMQP
import Tracing
import XAPI

/// When X gave the page a DM was read from: the start of the DM's turn in its trace.
struct PageRead: Sendable {
    var started: TraceInstant
    var ended: TraceInstant
    /// 1 for the newest page of the poll.
    var page: Int
    var rateLimitRemaining: Int?
}

/// A point in time for a span, in nanoseconds since 1970 (the tracer's clock).
struct TraceInstant: TracerInstant {
    var nanosecondsSinceEpoch: UInt64

    static var now: TraceInstant { TraceInstant(nanosecondsSinceEpoch: DefaultTracerClock.now.nanosecondsSinceEpoch) }

    static func < (lhs: TraceInstant, rhs: TraceInstant) -> Bool { lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch }
}

/// The spans of one DM's turn in ingest, the first part of the conversation turn's trace: the
/// turn (from X's read to the broker's confirm and the inbound ledger's commit), the X read as its
/// child (when the page was read, what X said), and the publish, whose context the Kiamo message
/// carries as `traceparent` for the connector and dispatch to continue. Attributes are ids,
/// operations and counts: never the DM's text, never a credential.
struct IngestTurnTrace: Sendable {
    let turn: any Span
    let publish: any Span

    init(event: DMEvent, read: PageRead?, account: String, exchange: String, routingKey: String) {
        let tracer = InstrumentationSystem.tracer
        turn = tracer.startSpan("ingest DM", context: .topLevel, ofKind: .consumer, at: read?.started ?? .now)
        turn.attributes["kiamo.account.id"] = account
        turn.attributes["x.dm_event.id"] = event.id
        if let sender = event.senderId { turn.attributes["x.sender.id"] = sender }
        if let conversation = event.conversationId { turn.attributes["x.dm_conversation.id"] = conversation }
        if let read {
            let call = tracer.startSpan("X listDMEvents", context: turn.context, ofKind: .client, at: read.started)
            call.attributes["x.operation"] = "listDMEvents"
            call.attributes["x.page"] = read.page
            call.attributes["http.response.status_code"] = 200
            if let remaining = read.rateLimitRemaining { call.attributes["x.rate_limit.remaining"] = remaining }
            call.end(at: read.ended)
        }
        publish = tracer.startSpan("publish kiamo.message", context: turn.context, ofKind: .producer, at: TraceInstant.now)
        publish.attributes["messaging.system"] = "rabbitmq"
        publish.attributes["messaging.destination.name"] = exchange
        publish.attributes["messaging.rabbitmq.destination.routing_key"] = routingKey
        publish.attributes["messaging.message.id"] = event.id
    }

    /// The broker's answer to the publish.
    func confirmed(_ result: Result<Void, AMQPError>) {
        if case .failure(let error) = result {
            publish.setStatus(SpanStatus(code: .error, message: "not confirmed: \(error)"))
            turn.setStatus(SpanStatus(code: .error, message: "not published; the next poll tries again"))
        }
        publish.end()
    }

    /// The turn's end in ingest: recorded in the inbound ledger, or not (`why`).
    func end(notRecorded why: String? = nil) {
        if let why { turn.setStatus(SpanStatus(code: .error, message: why)) }
        turn.end()
    }
}
