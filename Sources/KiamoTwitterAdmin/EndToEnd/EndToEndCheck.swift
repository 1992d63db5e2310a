import AMQP
import Foundation
import KiamoTwitter
import XEmulatorControl

/// `kiamo-twitter e2e` and numbered test 07: the whole path through running workers.
///
/// Against the emulator (any `api.baseUrl` that is not X's): a new customer sends the account a
/// DM; its Kiamo message must arrive from ingest; a send command answers it; dispatch must post
/// the DM (the emulator lists it) and publish its `sent` report. Against X: a send command to the
/// account itself ("DM yourself") and its report.
///
/// Messages are watched through a private, exclusive queue bound like the inbound and report
/// queues, so nothing is taken from Kiamo's queues; it disappears with the connection.
public struct EndToEndCheck: Sendable {
    let session: AdminSession
    let account: AccountConfiguration
    let timeout: Duration

    /// The check for `account`, waiting at most `timeout` for each message.
    public init(session: AdminSession, account: AccountConfiguration, timeout: Duration = .seconds(60)) {
        self.session = session
        self.account = account
        self.timeout = timeout
    }

    /// Runs the check; `progress` hears each step; throws naming the step that did not happen.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> EndToEndReport {
        let configuration = session.configuration
        let topology = Topology(configuration)
        var steps: [String] = []
        func step(_ line: String) {
            steps.append(line)
            progress(line)
        }
        let nonce = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let channel = try await session.channel()
        for queue in [topology.inboundQueue, topology.sendQueue, topology.reportsQueue] {
            do {
                let state = try await channel.queueDeclare(queue, passive: true)
                if queue == topology.sendQueue, state.consumerCount == 0 {
                    step("warning: no consumer on \(queue): is the dispatch worker running?")
                }
            } catch AMQPError.channelClosed(_, 404, _) {
                throw AdminError.failed("queue \(queue) does not exist: run `kiamo-twitter setup` and start the workers")
            }
        }
        let watch = try await channel.queueDeclare("", durable: false, exclusive: true, autoDelete: true).name
        try await channel.queueBind(queue: watch, exchange: topology.exchange, routingKey: WireContract.RoutingKey.inbound(account: account.userId))
        try await channel.queueBind(queue: watch, exchange: topology.exchange, routingKey: WireContract.RoutingKey.reports(account: account.userId))
        step("watching \(WireContract.RoutingKey.inbound(account: account.userId)) and \(WireContract.RoutingKey.reports(account: account.userId)) on \(topology.exchange)")

        let emulated = !AuthorizeEndpoint.isX(configuration.api.baseURL)
        var recipient = account.userId
        var inbound: KiamoMessage?
        if emulated {
            let emulator = EmulatorControlClient(baseURL: configuration.api.baseURL, http: try await session.httpClient())
            let served = try await Self.emulator(emulator, "GET /_emulator/health (not an x-emulator?)") { try await $0.health().account.id }
            guard served == account.userId else {
                throw AdminError.failed("the emulator at \(configuration.api.baseURL) serves account \(served), not \(account.userId)")
            }
            let customer = try await Self.emulator(emulator, "creating a customer") {
                try await $0.addUser(name: "E2E Customer", username: "e2e_\(nonce)").id
            }
            recipient = customer
            let dmId = try await Self.emulator(emulator, "posting the customer's DM") {
                try await $0.postDM(from: customer, to: account.userId, text: "kiamo-twitter e2e \(nonce)")
            }
            step("customer \(recipient) sent DM \(dmId) to \(account.userId)")
            let message = try await wait(on: channel, queue: watch, what: "the Kiamo message of DM \(dmId) from ingest (is the ingest worker running?)") { (delivery: AMQPDelivery) -> KiamoMessage? in
                guard delivery.routingKey == WireContract.RoutingKey.inbound(account: account.userId), let message = try? KiamoJSON.decode(KiamoMessage.self, from: delivery.body),
                    message.id == dmId
                else { return nil }
                return message
            }
            inbound = message
            step("Kiamo message received: \(AdminJSON.line(message))")
        } else {
            step("api.baseUrl is X's: sending a DM to the account itself")
        }

        let commandId = "e2e-\(nonce)"
        let text = "kiamo-twitter e2e reply \(nonce)"
        let body = try JSONSerialization.data(withJSONObject: ["id": commandId, "to": ["id": recipient], "content": text, "accountId": account.userId])
        try await channel.publish(
            exchange: topology.exchange, routingKey: WireContract.RoutingKey.send(account: account.userId), body: body,
            properties: AMQPProperties(
                contentType: WireContract.contentType, headers: [WireContract.Header.accountId: .string(account.userId)],
                deliveryMode: .persistent, messageId: commandId, timestamp: Date()),
            mandatory: true)
        step("send command \(commandId) published to \(WireContract.RoutingKey.send(account: account.userId))")
        let report = try await wait(on: channel, queue: watch, what: "the delivery report of command \(commandId) (is the dispatch worker running?)") { (delivery: AMQPDelivery) -> DeliveryReport? in
            guard delivery.routingKey.hasPrefix(WireContract.RoutingKey.reportPrefix + "."), let report = try? KiamoJSON.decode(DeliveryReport.self, from: delivery.body),
                report.commandId == commandId
            else { return nil }
            return report
        }
        guard report.status == .sent, let dmEventId = report.dmEventId else {
            throw AdminError.failed("dispatch reported command \(commandId) failed: \(report.error.map { "\($0.code): \($0.message)" } ?? "no reason given")")
        }
        step("report: sent as DM \(dmEventId) after \(report.attempts) attempt(s)")
        if emulated {
            let emulator = EmulatorControlClient(baseURL: configuration.api.baseURL, http: try await session.httpClient())
            let sent = try await Self.emulator(emulator, "listing the DMs sent") { try await $0.sent(account: account.userId) }
            guard sent.contains(where: { $0.dmEventID == dmEventId && $0.text == text }) else {
                throw AdminError.failed("the report says DM \(dmEventId) was sent, but the emulator has no such DM from \(account.userId)")
            }
            step("the emulator holds DM \(dmEventId) to \(recipient)")
        }
        _ = try? await channel.queueDelete(watch)
        try? await channel.close()
        return EndToEndReport(account: account.userId, target: emulated ? "emulator" : "x", steps: steps, inbound: inbound, report: report)
    }

    /// A control call to the emulator, any failure one line naming the emulator and the step.
    private static func emulator<T>(
        _ control: EmulatorControlClient, _ step: String,
        _ call: (EmulatorControlClient) async throws -> T
    ) async throws -> T {
        do {
            return try await call(control)
        } catch let failure as EmulatorControlClient.Failure {
            throw AdminError.failed("the X emulator at \(control.baseURL), \(step): \(failure)")
        } catch is DecodingError {
            throw AdminError.failed("the X emulator at \(control.baseURL), \(step): an answer that is not the control API's")
        } catch {
            throw AdminError.failed("the X emulator at \(control.baseURL) is unreachable (\(step)): \(error)")
        }
    }

    /// Takes messages from `queue` until `match` recognises one, within `timeout`.
    private func wait<T: Sendable>(on channel: AMQPChannel, queue: String, what: String, match: (AMQPDelivery) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let delivery = try await channel.get(queue: queue) {
                try await channel.ack(delivery)
                if let value = match(delivery) { return value }
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw AdminError.failed("timed out after \(DurationText.format(timeout)) waiting for \(what)")
    }
}
