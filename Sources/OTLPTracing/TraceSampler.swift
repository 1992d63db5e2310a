import W3CTraceContext

/// Whether a trace that begins here is recorded: `percent` of them, decided from the trace id
/// alone (its last 8 bytes against a threshold, as OpenTelemetry's TraceIdRatioBased sampler does),
/// so any process deciding on the same id decides the same. A trace continued from a parent keeps
/// the parent's decision (`OTLPTracer`): a turn is traced whole or not at all.
public struct TraceSampler: Sendable, Equatable {
    public let percent: Int
    private let threshold: UInt64

    public init(percent: Int) {
        let clamped = min(100, max(0, percent))
        self.percent = clamped
        threshold = clamped >= 100 ? .max : UInt64((Double(UInt64.max >> 1) * Double(clamped) / 100).rounded(.down))
    }

    public func samples(_ traceID: TraceID) -> Bool {
        if percent >= 100 { return true }
        if percent <= 0 { return false }
        let bytes = traceID.bytes
        let low = [bytes.8, bytes.9, bytes.10, bytes.11, bytes.12, bytes.13, bytes.14, bytes.15].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (low >> 1) < threshold
    }
}
