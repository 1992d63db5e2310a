import Tracing
import W3CTraceContext

/// The W3C trace context of the current span (or of a remote parent just extracted from a
/// message's headers), as `OTLPTracer` keeps it in a `ServiceContext`.
enum TraceContextKey: ServiceContextKey {
    typealias Value = TraceContext
    static var nameOverride: String? { "traceparent" }
}

extension ServiceContext {
    /// The trace context `OTLPTracer` put here, if any.
    public var traceContext: TraceContext? {
        get { self[TraceContextKey.self] }
        set { self[TraceContextKey.self] = newValue }
    }
}
