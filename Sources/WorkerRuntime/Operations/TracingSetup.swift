import Foundation
import KiamoTwitter
import Logging
import OTLPTracing
import Tracing

/// Bootstraps swift-distributed-tracing once per process with `OTLPTracer` and its exporter, when
/// `tracing.endpoint` is set. Without it nothing is bootstrapped: the engines' spans are the
/// no-op tracer's, and no message carries a `traceparent`.
public enum TracingSetup {
    /// The exporter to run as the process's first service (it must outlive the engines).
    public static func bootstrap(role: String, endpoint: String, configuration: Configuration, logger: Logger) throws -> OTLPHTTPExporter {
        let settings = OTLPHTTPExporter.Settings(
            endpoint: endpoint,
            resource: [
                ("service.name", "\(configuration.service)-\(role)"),
                ("service.namespace", configuration.service),
                ("service.version", KiamoTwitter.version),
                ("host.name", ProcessInfo.processInfo.hostName),
            ],
            scope: (name: "kiamo-twitter", version: KiamoTwitter.version)
        )
        let exporter = try OTLPHTTPExporter(settings: settings, logger: logger)
        InstrumentationSystem.bootstrap(OTLPTracer(sampler: TraceSampler(percent: configuration.tracing.samplingPercent), sink: exporter))
        return exporter
    }
}
