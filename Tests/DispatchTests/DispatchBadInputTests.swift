import AMQP
import Foundation
import KiamoTwitter
import TestSupport
import Testing

/// Every kind of bad command and bad message is dead-lettered with its reason and a `failed`
/// report, while the good commands around it go out, and the worker keeps running.
@Suite(.serialized) struct DispatchBadInputTests {
    /// One bad message: how it is published and the code its dead letter must carry.
    struct Case {
        var id: String
        var body: Data
        var code: String
        var routingKey: String?
        var exchange: String?
        var headers: AMQPTable = [:]
        var messageId: String??
    }

    @Test func everyBadCommandIsDeadLetteredWithItsReasonAndAFailedReportAndTheGoodOnesGoOut() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            let closed = try rig.addCustomers(1, acceptingDMs: false)[0]
            func json(_ text: String) -> Data { Data(text.utf8) }
            let cases: [Case] = [
                Case(id: "bad-not-json", body: json("hello, not JSON"), code: "invalid_json"),
                Case(id: "bad-array", body: json(#"[{"to": {"id": "\#(customer)"}, "content": "x"}]"#), code: "invalid_json"),
                Case(id: "bad-no-to", body: json(#"{"content": "Hi"}"#), code: "missing_field"),
                Case(id: "bad-no-content", body: json(#"{"to": {"id": "\#(customer)"}}"#), code: "missing_field"),
                Case(id: "bad-to-type", body: json(#"{"to": "\#(customer)", "content": "Hi"}"#), code: "wrong_type"),
                Case(id: "bad-id-number", body: json(#"{"to": {"id": \#(customer)}, "content": "Hi"}"#), code: "wrong_type"),
                Case(id: "bad-content-type", body: json(#"{"to": {"id": "\#(customer)"}, "content": ["Hi"]}"#), code: "wrong_type"),
                Case(id: "bad-recipient", body: json(#"{"to": {"id": "@jane"}, "content": "Hi"}"#), code: "invalid_recipient"),
                Case(id: "bad-empty", body: json(#"{"to": {"id": "\#(customer)"}, "content": " \n "}"#), code: "empty_content"),
                Case(
                    id: "bad-too-long", body: DispatchTestRig.command(id: "bad-too-long", to: customer, text: String(repeating: "a", count: 10_001)),
                    code: "content_too_long"),
                Case(id: "bad-account", body: json(#"{"to": {"id": "\#(customer)"}, "content": "Hi"}"#), code: "unknown_account", routingKey: "send.999"),
                Case(id: "bad-mismatch", body: json(#"{"to": {"id": "\#(customer)"}, "content": "Hi", "accountId": "999"}"#), code: "account_mismatch"),
                Case(id: "bad-utf8", body: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), code: "invalid_encoding"),
                Case(id: "bad-huge", body: DispatchTestRig.command(id: "bad-huge", to: customer, text: String(repeating: "b", count: 20_000)), code: "too_large"),
                Case(
                    id: "bad-attempt-header", body: DispatchTestRig.command(id: "bad-attempt-header", to: customer, text: "Hi"), code: "invalid_header",
                    headers: ["x-kiamo-attempt": "three"]),
                Case(
                    id: "bad-account-header", body: DispatchTestRig.command(id: "bad-account-header", to: customer, text: "Hi"), code: "invalid_header",
                    headers: ["x-account-id": 1_000_000_001]),
                // Straight into the queue through the default exchange: its routing key is the queue's name.
                Case(
                    id: "bad-routing-key", body: DispatchTestRig.command(id: "bad-routing-key", to: customer, text: "Hi"), code: "unknown_routing_key",
                    routingKey: rig.topology.sendQueue, exchange: ""),
                Case(id: "bad-no-id", body: json(#"{"to": {"id": "\#(customer)"}, "content": "Hi"}"#), code: "missing_id", messageId: .some(nil)),
                Case(id: "bad-closed-dms", body: DispatchTestRig.command(id: "bad-closed-dms", to: closed, text: "Hi"), code: "x_rejected"),
            ]

            try await rig.publish([(id: "good-1", recipient: customer, text: "first good reply")])
            for bad in cases {
                var properties = AMQPProperties(contentType: "application/json", headers: bad.headers, deliveryMode: .persistent)
                properties.messageId = bad.messageId ?? bad.id
                try await rig.publishRaw(bad.body, routingKey: bad.routingKey, exchange: bad.exchange, properties: properties)
            }
            try await rig.publish([(id: "good-2", recipient: customer, text: "second good reply")])

            let worker = try await rig.startWorker("dispatch", ["KIAMO_TWITTER_DISPATCH_MAX_COMMAND_BYTES": "16384"])
            try await rig.waitFor("every dead letter and report", workers: [worker]) {
                rig.deadLetters.count >= cases.count && rig.reports.count >= cases.count + 2
            }

            #expect(rig.sent.map(\.text) == ["first good reply", "second good reply"])
            let sentReports = rig.reports.filter { $0.status == .sent }
            #expect(Set(sentReports.map(\.commandId)) == ["good-1", "good-2"])

            let letters = rig.deadLetters
            #expect(letters.count == cases.count)
            let failed = rig.reports.filter { $0.status == .failed }
            for bad in cases {
                let commandId = bad.messageId == .some(nil) ? nil : bad.id
                let letter = letters.first { delivery in
                    commandId.map { delivery.properties.headers["x-kiamo-command-id"]?.stringValue == $0 }
                        ?? (delivery.properties.headers["x-kiamo-error-code"]?.stringValue == bad.code)
                }
                guard let letter else {
                    Issue.record("no dead letter for \(bad.id)")
                    continue
                }
                #expect(letter.properties.headers["x-kiamo-error-code"]?.stringValue == bad.code, "\(bad.id)")
                #expect(letter.properties.headers["x-kiamo-error-message"]?.stringValue?.isEmpty == false, "\(bad.id)")
                #expect(letter.properties.headers["x-kiamo-attempts"]?.intValue == 1, "\(bad.id)")
                #expect(letter.body == bad.body, "\(bad.id): the dead letter keeps the command as it came")
                #expect(letter.routingKey == "send.\(rig.account.userId)", "\(bad.id)")
                let reportId = letter.properties.headers["x-kiamo-command-id"]?.stringValue
                let report = failed.first { $0.commandId == reportId }
                #expect(report?.error?.code == bad.code, "\(bad.id)")
                if bad.code == "x_rejected" {
                    #expect(report?.error?.httpStatus == 403)
                    #expect(report?.error?.message.contains("not permitted to send Direct Messages") == true)
                    #expect(letter.properties.headers["x-kiamo-http-status"]?.intValue == 403)
                }
            }
            #expect(failed.first { $0.error?.code == "missing_id" }?.commandId.hasPrefix("unidentified-") == true)
            // Running is not enough: a worker whose connection drops on every bad command is
            // running too. No reconnect happened.
            #expect(!worker.output().contains("AMQP reconnect attempt"), "\(worker.output().suffix(3000))")
            #expect(worker.isRunning)
            try await rig.expectGracefulStop(worker)
        }
    }
}
