internal import URLRedaction

/// The resolved configuration as lines a person reads (`--check`, `kiamo-twitter state show`),
/// secrets masked: credentials as `****`, URLs with their password replaced.
public enum ConfigurationReport {
    public static func lines(_ configuration: Configuration) -> [String] {
        var lines: [String] = [
            "service = \(configuration.service)",
            "logLevel = \(configuration.logLevel)",
            "logFormat = \(configuration.logFormat.rawValue)",
            "logFiles = \(configuration.logFiles.enabled ? configuration.logFiles.folder : "off")",
            "amqp.url = \(maskedURL(configuration.amqp.url.reveal()))",
            "amqp.exchange = \(configuration.amqp.exchange)",
            "amqp.queueType = \(configuration.amqp.queueType.rawValue)",
            "amqp.heartbeat = \(DurationText.format(configuration.amqp.heartbeat))",
            "state.url = \(maskedURL(configuration.state.url.reveal()))",
            "api.baseUrl = \(maskedURL(configuration.api.baseURL))",
            "api.version = \(configuration.api.version.rawValue)",
            "api.timeout = \(DurationText.format(configuration.api.timeout))",
            "http = \(configuration.http.port == 0 ? "off" : "\(configuration.http.host):\(configuration.http.port)")",
            "tracing = \(configuration.tracing.endpoint.map { "\(maskedURL($0)) (OTLP/HTTP JSON), sampling \(configuration.tracing.samplingPercent) %" } ?? "off")",
            "cache = \(configuration.cache.enabled ? "on" : "off"), checkEveryInSecs \(configuration.cache.checkEveryInSecs), expirationInSecs \(configuration.cache.expirationInSecs)",
            "ingest.pollInterval = \(DurationText.format(configuration.ingest.pollInterval))",
            "ingest.overlap = \(DurationText.format(configuration.ingest.overlap)), backfill \(DurationText.format(configuration.ingest.backfill))",
            "dispatch.prefetch = \(configuration.dispatch.prefetch), concurrencyPerAccount \(configuration.dispatch.concurrencyPerAccount), maxAttempts \(configuration.dispatch.maxAttempts)",
            "dispatch.retryDelays = \(configuration.dispatch.retryDelays.map(DurationText.format).joined(separator: ","))",
        ]
        for (index, account) in configuration.accounts.enumerated() {
            lines.append("accounts[\(index)] = user \(account.userId), \(account.credentials.methodName), secrets ****")
        }
        if configuration.accounts.isEmpty { lines.append("accounts = none") }
        return lines
    }

    /// The URL as `URLRedactor` prints it: everything between `://` and the last `@` masked.
    public static func maskedURL(_ url: String) -> String {
        URLRedactor.redact(url)
    }
}
