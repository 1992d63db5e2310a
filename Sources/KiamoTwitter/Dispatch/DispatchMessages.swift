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
    public init(topology: Topology, appId: String = WireContract.AppID.dispatch) {
        self.topology = topology
        self.appId = appId
    }

    /// The routing key of dead letters and reports of a command whose account is unknown.
    public static let unknownAccount = "unknown"

    /// The command's body as it arrived, to the dead-letter exchange with routing key
    /// `send.<account or "unknown">` (so the `send.#` binding catches it whatever its own key
    /// was) and the reason in headers. Of the command's own headers only a bounded subset is
    /// kept (`boundedCopy`), and every value copied from the command is cut to 1 KiB, so the dead
    /// letter can always be published. `keepHeaders` false: none of them (the last resort when
    /// even the bounded dead letter could not be encoded).
    public func deadLetter(
        _ received: SendDelivery, accountId: String?, commandId: String, failure: CommandFailure, attempts: Int,
        keepHeaders: Bool = true
    ) -> AMQPMessage {
        var properties = received.properties
        var (headers, omitted) = keepHeaders ? Self.boundedCopy(properties.headers) : ([:], properties.headers.count)
        headers[WireContract.Header.errorCode] = .string(failure.code.rawValue)
        headers[WireContract.Header.errorMessage] = .string(BoundedText.cut(failure.message))
        headers[WireContract.Header.httpStatus] = failure.httpStatus.map { .int64(Int64($0)) }
        headers[WireContract.Header.attempts] = .int64(Int64(attempts))
        headers[WireContract.Header.commandId] = .string(BoundedText.cut(commandId))
        headers[WireContract.Header.originalRoutingKey] = .string(BoundedText.cut(received.routingKey))
        headers[WireContract.Header.originalExchange] = .string(BoundedText.cut(received.exchange))
        headers[WireContract.Header.headersOmitted] = omitted > 0 ? .int64(Int64(omitted)) : nil
        properties.headers = headers
        if !keepHeaders {
            properties = AMQPProperties(
                contentType: properties.contentType, headers: headers, deliveryMode: .persistent,
                messageId: properties.messageId.map(BoundedText.shortString))
        }
        properties.deliveryMode = .persistent
        return AMQPMessage(
            exchange: topology.deadLetterExchange, routingKey: WireContract.RoutingKey.send(account: accountId ?? Self.unknownAccount),
            body: received.body, properties: properties, mandatory: true)
    }

    /// The command's own headers a dead letter keeps: every entry, sorted by name, until they
    /// take `BoundedText.copiedHeadersLimit` bytes; a string value is cut to 1 KiB, any other
    /// value over 1 KiB is left out, and so are the dispatch worker's own headers (written
    /// afresh). Returns the kept table and how many entries were left out.
    static func boundedCopy(_ original: AMQPTable) -> (AMQPTable, omitted: Int) {
        var kept: AMQPTable = [:]
        var used = 4
        var omitted = 0
        // The account header first: a retry copy must keep it whatever else is left out.
        let keys = original.entries.keys.sorted { ($0 == WireContract.Header.accountId ? 0 : 1, $0) < ($1 == WireContract.Header.accountId ? 0 : 1, $1) }
        for key in keys {
            guard var value = original[key], !WireContract.Header.isDispatchOwn(key),
                key != WireContract.Header.headersOmitted
            else { continue }
            if case .string(let text) = value { value = .string(BoundedText.cut(text)) }
            let size = 1 + key.utf8.count + AMQPWireSize.field(value)
            guard key.utf8.count <= AMQPWireSize.shortStringMax, AMQPWireSize.field(value) <= BoundedText.valueLimit + 16,
                used + size <= BoundedText.copiedHeadersLimit
            else {
                omitted += 1
                continue
            }
            kept[key] = value
            used += size
        }
        return (kept, omitted)
    }

    /// A copy of the command for the retry exchange: routed to `tier`'s queue by `x-retry-tier`,
    /// keeping routing key `send.<account>` so the tier's TTL dead-letters it back into the send
    /// queue, with the attempt it will be and, when the DM may already be posted, since when.
    public func retry(_ received: SendDelivery, accountId: String, tier: Duration, attempt: Int, unverifiedSince: Date?) -> AMQPMessage {
        var properties = received.properties
        var (headers, omitted) = Self.boundedCopy(properties.headers)
        headers[WireContract.Header.headersOmitted] = omitted > 0 ? .int64(Int64(omitted)) : nil
        headers[WireContract.Header.retryTier] = .string(Topology.retryTierHeader(tier))
        headers[WireContract.Header.attempt] = .int64(Int64(attempt))
        headers[WireContract.Header.unverifiedSince] = unverifiedSince.map { .int64(Int64(($0.timeIntervalSince1970 * 1000).rounded(.down))) }
        properties.headers = headers
        properties.deliveryMode = .persistent
        return AMQPMessage(
            exchange: topology.retryExchange, routingKey: WireContract.RoutingKey.send(account: accountId),
            body: received.body, properties: properties, mandatory: true)
    }

    /// A delivery report to the main exchange, routing key `report.<account>.<status>`,
    /// `correlation_id` = the command id, type `kiamo.report`, `timestamp` = `time`.
    public func report(_ report: DeliveryReport, accountId: String?, at time: Date) throws -> AMQPMessage {
        let account = accountId ?? Self.unknownAccount
        var headers: AMQPTable = [:]
        if let accountId { headers[WireContract.Header.accountId] = .string(accountId) }
        let properties = AMQPProperties(
            contentType: WireContract.contentType,
            headers: headers,
            deliveryMode: .persistent,
            correlationId: BoundedText.shortString(report.commandId),
            messageId: BoundedText.shortString("\(report.commandId).\(report.status.rawValue)"),
            timestamp: time,
            type: WireContract.MessageType.report,
            appId: appId
        )
        return AMQPMessage(
            exchange: topology.exchange, routingKey: WireContract.RoutingKey.report(account: account, status: report.status),
            body: try KiamoJSON.encode(report), properties: properties, mandatory: true)
    }
}
