import AMQP
import Foundation

/// Builds what the dispatch worker publishes: dead letters, retry copies and delivery reports,
/// per the wire contract. Pure: the same inputs give the same messages (times are passed in).
/// Every message is persistent and mandatory, so a missing binding fails the publish instead of
/// losing the message silently.
public struct DispatchMessages: Sendable {
    /// Where everything goes.
    public let topology: Topology
    /// `app_id` of the reports.
    public let appId: String

    /// A builder for `topology`, reports carrying `appId`.
    public init(topology: Topology, appId: String = "kiamo-twitter-dispatch") {
        self.topology = topology
        self.appId = appId
    }

    /// The routing key of dead letters and reports of a command whose account is unknown.
    public static let unknownAccount = "unknown"

    /// The command as it arrived, to the dead-letter exchange with routing key
    /// `send.<account or "unknown">` (so the `send.#` binding catches it whatever its own key
    /// was) and the reason in headers.
    public func deadLetter(_ inbound: InboundCommand, accountId: String?, commandId: String, failure: CommandFailure, attempts: Int) -> AMQPMessage {
        var properties = inbound.properties
        var headers = properties.headers
        headers[DispatchHeaders.publishTag] = nil
        headers[DispatchHeaders.errorCode] = .string(failure.code.rawValue)
        headers[DispatchHeaders.errorMessage] = .string(failure.message)
        headers[DispatchHeaders.httpStatus] = failure.httpStatus.map { .int64(Int64($0)) }
        headers[DispatchHeaders.attempts] = .int64(Int64(attempts))
        headers[DispatchHeaders.commandId] = .string(commandId)
        headers[DispatchHeaders.originalRoutingKey] = .string(inbound.routingKey)
        headers[DispatchHeaders.originalExchange] = .string(inbound.exchange)
        properties.headers = headers
        properties.deliveryMode = .persistent
        return AMQPMessage(exchange: topology.deadLetterExchange, routingKey: "send.\(accountId ?? Self.unknownAccount)",
                           body: inbound.body, properties: properties, mandatory: true)
    }

    /// A copy of the command for the retry exchange: routed to `tier`'s queue by `x-retry-tier`,
    /// keeping routing key `send.<account>` so the tier's TTL dead-letters it back into the send
    /// queue, with the attempt it will be and, when the DM may already be posted, since when.
    public func retry(_ inbound: InboundCommand, accountId: String, tier: Duration, attempt: Int, unverifiedSince: Date?) -> AMQPMessage {
        var properties = inbound.properties
        var headers = properties.headers
        headers[DispatchHeaders.publishTag] = nil
        headers[Topology.retryTierHeaderName] = .string(Topology.retryTierHeader(tier))
        headers[DispatchHeaders.attempt] = .int64(Int64(attempt))
        headers[DispatchHeaders.unverifiedSince] = unverifiedSince.map { .int64(Int64(($0.timeIntervalSince1970 * 1000).rounded(.down))) }
        properties.headers = headers
        properties.deliveryMode = .persistent
        return AMQPMessage(exchange: topology.retryExchange, routingKey: Topology.sendRoutingKey(account: accountId),
                           body: inbound.body, properties: properties, mandatory: true)
    }

    /// A delivery report to the main exchange, routing key `report.<account>.<status>`,
    /// `correlation_id` = the command id, type `kiamo.report`, `timestamp` = `time`.
    public func report(_ report: DeliveryReport, accountId: String?, at time: Date) throws -> AMQPMessage {
        let account = accountId ?? Self.unknownAccount
        var headers: AMQPTable = [:]
        if let accountId { headers[DispatchHeaders.account] = .string(accountId) }
        let properties = AMQPProperties(
            contentType: "application/json",
            headers: headers,
            deliveryMode: .persistent,
            correlationId: report.commandId,
            messageId: "\(report.commandId).\(report.status.rawValue)",
            timestamp: time,
            type: "kiamo.report",
            appId: appId
        )
        return AMQPMessage(exchange: topology.exchange, routingKey: Topology.reportRoutingKey(account: account, status: report.status),
                           body: try KiamoJSON.encode(report), properties: properties, mandatory: true)
    }
}
