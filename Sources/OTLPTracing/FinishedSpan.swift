import Tracing
import W3CTraceContext

/// A span as it ended: what the exporter encodes. Never holds a secret or a message's text: the
/// code that names spans and sets attributes keeps to ids, operations, statuses and counts.
public struct FinishedSpan: Sendable {
    public var trace: TraceContext
    public var parentSpanID: SpanID?
    public var name: String
    public var kind: SpanKind
    public var startNanos: UInt64
    public var endNanos: UInt64
    public var attributes: SpanAttributes
    public var events: [SpanEvent]
    public var links: [TraceContext]
    public var status: SpanStatus?

    public init(
        trace: TraceContext, parentSpanID: SpanID?, name: String, kind: SpanKind, startNanos: UInt64, endNanos: UInt64,
        attributes: SpanAttributes = [:], events: [SpanEvent] = [], links: [TraceContext] = [], status: SpanStatus? = nil
    ) {
        self.trace = trace
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startNanos = startNanos
        self.endNanos = endNanos
        self.attributes = attributes
        self.events = events
        self.links = links
        self.status = status
    }
}
