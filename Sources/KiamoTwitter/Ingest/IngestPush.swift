import Foundation
import Logging
import PushReceiver
import ServiceLifecycle
import SharedState
import XAPI

/// The services a push mode adds to the ingest worker, beside the engines' reconciliation polls.
public enum IngestPush {
    /// `ingest.mode: stream`: the activity stream's consumer (one process holds the stream).
    public static func streamServices(
        configuration: Configuration,
        engines: [IngestEngine],
        clients: [String: MeteredXClient],
        state: any LeaseStorage,
        owner: String,
        transport: any XHTTPTransport,
        logger: Logger
    ) throws -> [any Service] {
        let push = try pushClient(configuration: configuration, transport: transport, logger: logger)
        let users = Dictionary(
            engines.compactMap { engine in (clients[engine.account]?.base as? XAPIClient).map { (engine.account, $0) } }, uniquingKeysWith: { first, _ in first })
        return [
            ActivityStreamConsumer(
                push: push, engines: engines, clients: users, state: state, owner: owner,
                settings: .init(leaseTTL: configuration.ingest.leaseTTL), logger: logger)
        ]
    }

    /// The app's push client (app-only bearer token from the app's consumer keys).
    static func pushClient(configuration: Configuration, transport: any XHTTPTransport, logger: Logger) throws -> XPushClient {
        guard let keys = configuration.appConsumerKeys else {
            throw WebhookEnrollmentError(reason: "the app's consumer key and secret are not configured (api.consumerKey, api.consumerSecret)")
        }
        return try XPushClient(
            baseURL: configuration.api.baseURL, consumerKey: keys.key.reveal(), consumerSecret: keys.secret.reveal(), transport: transport,
            timeout: configuration.api.timeout, connectTimeout: configuration.api.connectTimeout, logger: logger)
    }

    /// `ingest.mode: webhook`: the endpoint on `ingest.webhook.host:port` and, once it listens,
    /// the enrollment with X when `ingest.webhook.url` is set.
    public static func webhookServices(
        configuration: Configuration,
        engines: [IngestEngine],
        clients: [String: MeteredXClient],
        transport: any XHTTPTransport,
        logger: Logger,
        onStart: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> [any Service] {
        guard let keys = configuration.appConsumerKeys else {
            throw WebhookEnrollmentError(reason: "the app's consumer key and secret are not configured (api.consumerKey, api.consumerSecret)")
        }
        let settings = configuration.ingest.webhook
        let endpoint = WebhookEndpoint(signature: WebhookSignature(consumerSecret: keys.secret.reveal()), engines: engines, logger: logger)
        let enrollment: WebhookEnrollment?
        if let url = settings.url {
            let push = try pushClient(configuration: configuration, transport: transport, logger: logger)
            let accounts = engines.compactMap { engine in (clients[engine.account]?.base as? XAPIClient).map { (id: engine.account, client: $0) } }
            enrollment = WebhookEnrollment(push: push, url: url, accounts: accounts, logger: logger)
        } else {
            enrollment = nil
        }
        let server = WebhookServer.make(
            host: settings.host, port: settings.port, path: settings.path, maxBodyBytes: settings.maxBodyBytes, handler: endpoint, logger: logger,
            onStart: { port in
                logger.info("webhook endpoint listening", metadata: ["port": "\(port)", "path": "\(settings.path)"])
                await onStart(port)
                if let enrollment { Task { await enrollment.run() } }
            })
        return [server]
    }
}
