import Synchronization
import Tracing
import W3CTraceContext

/// A span of `OTLPTracer`. Recording when its trace is sampled: it then goes to the sink once, when
/// it ends; a span not sampled only carries its context (its children and the `traceparent` it
/// hands on say "not sampled", so the whole turn stays out).
public final class OTLPSpan: Tracing.Span, Sendable {
    public let context: ServiceContext
    public let isRecording: Bool
    let trace: TraceContext
    let parentSpanID: SpanID?
    let kind: SpanKind
    let startNanos: UInt64
    let sink: any SpanSink

    private struct Recorded {
        var name: String
        var attributes: SpanAttributes = [:]
        var events: [SpanEvent] = []
        var links: [TraceContext] = []
        var status: SpanStatus?
        var ended = false
    }
    private let recorded: Mutex<Recorded>

    init(
        name: String, context: ServiceContext, trace: TraceContext, parentSpanID: SpanID?, kind: SpanKind, startNanos: UInt64,
        recording: Bool, sink: any SpanSink
    ) {
        self.context = context
        self.trace = trace
        self.parentSpanID = parentSpanID
        self.kind = kind
        self.startNanos = startNanos
        self.isRecording = recording
        self.sink = sink
        recorded = Mutex(Recorded(name: name))
    }

    public var operationName: String {
        get { recorded.withLock { $0.name } }
        set { recorded.withLock { $0.name = newValue } }
    }

    public var attributes: SpanAttributes {
        get { recorded.withLock { $0.attributes } }
        set {
            guard isRecording else { return }
            recorded.withLock { $0.attributes = newValue }
        }
    }

    /// OpenTelemetry's rule: once `ok`, a span stays `ok`; an error keeps its message.
    public func setStatus(_ status: SpanStatus) {
        guard isRecording else { return }
        recorded.withLock { recorded in
            if recorded.status?.code == .ok { return }
            recorded.status = status
        }
    }

    public func addEvent(_ event: SpanEvent) {
        guard isRecording else { return }
        recorded.withLock { $0.events.append(event) }
    }

    /// An `exception` event with the error's type and description (the project's errors never
    /// carry a secret or a message's text).
    public func recordError<Instant: TracerInstant>(_ error: any Error, attributes: SpanAttributes, at instant: @autoclosure () -> Instant) {
        guard isRecording else { return }
        var attributes = attributes
        attributes["exception.type"] = "\(type(of: error))"
        attributes["exception.message"] = "\(error)"
        addEvent(SpanEvent(name: "exception", at: instant(), attributes: attributes))
    }

    public func addLink(_ link: SpanLink) {
        guard isRecording, let linked = link.context.traceContext else { return }
        recorded.withLock { $0.links.append(linked) }
    }

    public func end<Instant: TracerInstant>(at instant: @autoclosure () -> Instant) {
        let end = instant().nanosecondsSinceEpoch
        let finished: FinishedSpan? = recorded.withLock { recorded in
            guard !recorded.ended else { return nil }
            recorded.ended = true
            guard isRecording else { return nil }
            return FinishedSpan(
                trace: trace, parentSpanID: parentSpanID, name: recorded.name, kind: kind, startNanos: startNanos,
                endNanos: max(end, startNanos), attributes: recorded.attributes, events: recorded.events,
                links: recorded.links, status: recorded.status)
        }
        if let finished { sink.add(finished) }
    }
}
