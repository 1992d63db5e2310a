import KiamoTwitter
import Metrics
import Prometheus

/// Bootstraps swift-metrics with a Prometheus registry, once per process; the registry is what
/// `/metrics` renders.
public enum MetricsSetup {
    /// `role`: `ingest` or `dispatch`, a label of `kiamo_twitter_build_info`.
    public static func bootstrap(role: String) -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Send and poll latencies: from a few milliseconds on loopback to X's slow answers.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
        ]
        MetricsSystem.bootstrap(factory)
        // No revision label: the build stamps no commit into the binary; the version says the release.
        Gauge(label: "kiamo_twitter_build_info", dimensions: [("version", KiamoTwitter.version), ("role", role)]).record(1)
        Gauge(label: "kiamo_broker_connected").record(0)
        return registry
    }
}
