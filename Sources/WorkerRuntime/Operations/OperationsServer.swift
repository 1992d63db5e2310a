import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

/// The small HTTP server of each worker: `/metrics` (Prometheus text format), `/healthz`
/// (200 while alive) and `/readyz` (200 when ready to work), each with a JSON body naming every
/// check so an operator sees at once what is wrong.
public enum OperationsServer {
    /// The server as a service for the worker's ServiceGroup; `onStart` receives the bound port.
    public static func make(
        host: String,
        port: Int,
        registry: PrometheusCollectorRegistry,
        health: HealthRegistry,
        refresher: ScrapeRefresher? = nil,
        logger: Logger,
        onStart: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            await refresher?.refresh()
            // What `/readyz` would answer, as a number an alert rule can hold for a while.
            Gauge(label: "kiamo_worker_ready").record(health.isReady ? 1 : 0)
            var buffer = [UInt8]()
            buffer.reserveCapacity(16 * 1024)
            registry.emit(into: &buffer)
            let text = MetricsCatalogue.annotate(String(decoding: buffer, as: UTF8.self))
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
        router.get("/healthz") { _, _ -> Response in
            report(health.snapshot, ok: health.isAlive)
        }
        router.get("/readyz") { _, _ -> Response in
            report(health.snapshot, ok: health.isReady)
        }
        // Hummingbird announces "Server started and listening on ..." at info; `onStart` says it
        // once, in the worker's words, so the server's own logger starts at warning.
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "kiamo-twitter"),
            onServerRunning: { channel in await onStart(channel.localAddress?.port ?? port) },
            logger: serverLogger
        )
    }

    private static func report(_ checks: [String: HealthRegistry.Check], ok: Bool) -> Response {
        struct Body: Encodable {
            var status: String
            var checks: [String: HealthRegistry.Check]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(Body(status: ok ? "ok" : "unavailable", checks: checks))) ?? Data()
        return Response(
            status: ok ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
