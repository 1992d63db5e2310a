// WorkerRuntime: what every kiamo-twitter process shares around its engine: logging to standard
// output (and the original's daily files), Prometheus metrics, the `/metrics`, `/healthz` and
// `/readyz` endpoints, and the ServiceGroup that owns signals and graceful shutdown.
//
// Only executables use this module: libraries emit logs and metrics through swift-log and
// swift-metrics and never choose a backend. The HTTP endpoints run on SwiftNIO's event loops.
