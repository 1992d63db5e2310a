/// Where ended, sampled spans go. `OTLPHTTPExporter` is the real one; tests collect them.
public protocol SpanSink: Sendable {
    /// Takes one ended span; must return at once (it is called where the span ends).
    func add(_ span: FinishedSpan)
}
