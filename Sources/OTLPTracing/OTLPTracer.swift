import Tracing
import W3CTraceContext

/// A swift-distributed-tracing `Tracer` whose spans carry W3C trace context and go, when sampled,
/// to a `SpanSink` (the OTLP exporter).
///
/// A span whose context holds a trace context (a parent span, or one extracted from a message's
/// `traceparent`) continues that trace and keeps its sampling decision; any other span begins a
/// trace, sampled by `TraceSampler`. `inject` writes `traceparent` (and `tracestate` when there is
/// one); `extract` reads them, ignoring a malformed `tracestate` (W3C: the parent still counts) and
/// a malformed `traceparent` altogether (the span then begins a trace of its own).
public struct OTLPTracer: Tracer {
    public typealias Span = OTLPSpan

    public static let traceParentHeader = "traceparent"
    public static let traceStateHeader = "tracestate"

    public let sampler: TraceSampler
    let sink: any SpanSink

    public init(sampler: TraceSampler, sink: any SpanSink) {
        self.sampler = sampler
        self.sink = sink
    }

    public func startSpan<Instant: TracerInstant>(
        _ operationName: String,
        context: @autoclosure () -> ServiceContext,
        ofKind kind: SpanKind,
        at instant: @autoclosure () -> Instant,
        function: String,
        file fileID: String,
        line: UInt
    ) -> OTLPSpan {
        var spanContext = context()
        let parent = spanContext.traceContext
        let traceID = parent?.traceID ?? TraceID.random()
        let sampled = parent.map { $0.flags.contains(.sampled) } ?? sampler.samples(traceID)
        let trace = TraceContext(traceID: traceID, spanID: SpanID.random(), flags: sampled ? .sampled : [], state: parent?.state ?? TraceState())
        spanContext.traceContext = trace
        return OTLPSpan(
            name: operationName, context: spanContext, trace: trace, parentSpanID: parent?.spanID, kind: kind,
            startNanos: instant().nanosecondsSinceEpoch, recording: sampled, sink: sink)
    }

    public func forceFlush() {}

    public func extract<Carrier, Extract>(_ carrier: Carrier, into context: inout ServiceContext, using extractor: Extract)
    where Extract: Extractor, Extract.Carrier == Carrier {
        guard let parent = extractor.extract(key: Self.traceParentHeader, from: carrier) else { return }
        let state = extractor.extract(key: Self.traceStateHeader, from: carrier)
        if let trace = try? TraceContext(traceParentHeaderValue: parent, traceStateHeaderValue: state) {
            context.traceContext = trace
        } else if let trace = try? TraceContext(traceParentHeaderValue: parent) {
            context.traceContext = trace
        }
    }

    public func inject<Carrier, Inject>(_ context: ServiceContext, into carrier: inout Carrier, using injector: Inject)
    where Inject: Injector, Inject.Carrier == Carrier {
        guard let trace = context.traceContext else { return }
        injector.inject(trace.traceParentHeaderValue, forKey: Self.traceParentHeader, into: &carrier)
        if let state = trace.traceStateHeaderValue {
            injector.inject(state, forKey: Self.traceStateHeader, into: &carrier)
        }
    }
}
