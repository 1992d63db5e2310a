import AMQP
import CurlHTTP
import Foundation
import KiamoTwitter
import TestSupport
import XAPI

/// Plays the dispatch worker's part for the `e2e` test until `kiamo-twitter-dispatch` exists:
/// takes each send command from `<exchange>.send`, posts it as a DM through the X client, and
/// publishes its `sent` report, as the wire contract says. Not a dispatch worker: no retries, no
/// ledger. Replace it with the real worker once it is merged.
final class StandInDispatch: Sendable {
    private let task: Task<Void, any Error>

    init(exchange: String, apiBaseURL: String, account: TestAccount = TestAccount()) async throws {
        let connection = try AMQPConnection(url: try TestBroker.url())
        try await connection.connect()
        let channel = try await connection.openChannel()
        let http = try HTTPClient()
        let client = try XAPIClient(
            configuration: XAPIConfiguration(baseURL: apiBaseURL, credentials: .oauth1(OAuth1Credentials(
                consumerKey: account.consumerKey, consumerSecret: account.consumerSecret,
                oauthToken: account.accessToken, oauthTokenSecret: account.accessTokenSecret))),
            transport: http)
        task = Task {
            defer { http.shutdown() }
            while !Task.isCancelled {
                guard let delivery = try await channel.get(queue: "\(exchange).send") else {
                    try await Task.sleep(for: .milliseconds(50))
                    continue
                }
                let object = try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any] ?? [:]
                let id = object["id"] as? String ?? delivery.properties.messageId ?? ""
                let recipient = (object["to"] as? [String: Any])?["id"] as? String ?? ""
                let sent = try await client.sendDM(to: recipient, text: object["content"] as? String ?? "")
                let report = DeliveryReport(commandId: id, status: .sent, dmEventId: sent.dmEventId, conversationId: sent.conversationId,
                                            accountId: account.userId, recipientId: recipient, attempts: 1, at: Date())
                try await channel.publish(exchange: exchange, routingKey: Topology.reportRoutingKey(account: account.userId, status: .sent),
                                          body: try KiamoJSON.encode(report),
                                          properties: AMQPProperties(contentType: "application/json", correlationId: id, type: "kiamo.report"))
                try await channel.ack(delivery)
            }
            await connection.close()
        }
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}
