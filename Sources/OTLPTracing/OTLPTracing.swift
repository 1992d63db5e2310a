// OTLPTracing: traces of conversation turns for an OpenTelemetry collector. `OTLPTracer` is a
// swift-distributed-tracing `Tracer` that propagates W3C trace context (`traceparent`,
// `tracestate`) and samples where a trace begins; `OTLPHTTPExporter` sends finished spans in
// batches to `<endpoint>/v1/traces` as OTLP/HTTP with JSON bodies, over CurlHTTP.
//
// Why not swift-otel: its exporters need swift-protobuf and async-http-client, which add minutes
// to every fresh build of the four products (and the Dockerfile's), for what is here a few hundred
// lines over the HTTP client the workers already have. Every OTLP/HTTP receiver (the OpenTelemetry
// collector, Jaeger, Tempo) takes the JSON encoding on its HTTP port (4318).
//
// Threading: spans are ended from any task; an ended span goes into the exporter's bounded buffer
// under a lock and never waits. The exporter is a Service: one task posts the batches, and the
// HTTP transfer runs on CurlHTTP's own thread, never on Swift's cooperative pool.
//
// Libraries emit spans through swift-distributed-tracing only; the executables choose this
// tracer (`InstrumentationSystem.bootstrap`), as they choose the log and metrics backends.
