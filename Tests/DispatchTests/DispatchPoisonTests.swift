import AMQP
import Foundation
import KiamoTwitter
import TestSupport
import Testing

/// Commands built to break the worker: values far larger than any header may hold, headers that
/// fill a whole frame. Each ends in the dead letters once, with one `failed` report, while the
/// commands around it are posted and the broker connection stays up.
@Suite(.serialized) struct DispatchPoisonTests {
    @Test func oversizedValuesAndHeadersAreDeadLetteredOnceWithoutDroppingTheConnection() async throws {
        try await DispatchTestRig.with { rig in
            let customer = try rig.addCustomers(1)[0]
            // A 200,000-character accountId: the body fits dispatch.maxCommandBytes, the account
            // named in the error message would not fit any header.
            let hugeAccount = try JSONSerialization.data(withJSONObject: [
                "id": "poison-account", "to": ["id": customer, "name": "Customer"], "content": "Hi",
                "accountId": String(repeating: "9", count: 200_000),
            ])
            // About 130 KB of headers on a command with no content: the command fits a frame, its
            // dead letter with the reason added to the same headers would not.
            var padding: AMQPTable = [:]
            for index in 0..<126 { padding["x-pad-\(String(format: "%03d", index))"] = .string(String(repeating: "p", count: 1024)) }
            let emptyContent = Data(#"{"id": "poison-headers", "to": {"id": "\#(customer)"}, "content": " "}"#.utf8)

            try await rig.publish([(id: "good-1", recipient: customer, text: "before the poison")])
            try await rig.publishRaw(
                hugeAccount,
                properties: AMQPProperties(
                    contentType: "application/json", deliveryMode: .persistent,
                    messageId: "poison-account"))
            try await rig.publishRaw(
                emptyContent,
                properties: AMQPProperties(
                    contentType: "application/json", headers: padding,
                    deliveryMode: .persistent, messageId: "poison-headers"))
            try await rig.publish([(id: "good-2", recipient: customer, text: "after the poison")])

            let worker = try await rig.startWorker("dispatch")
            try await rig.waitFor("two dead letters and four reports", workers: [worker]) {
                rig.deadLetters.count >= 2 && rig.reports.count >= 4
            }
            try await rig.waitUntilSettled(workers: [worker]) { try await TestBroker.ctl($0) }

            #expect(rig.sent.map(\.text) == ["before the poison", "after the poison"])
            for (id, code) in [("poison-account", "account_mismatch"), ("poison-headers", "empty_content")] {
                let letters = rig.deadLetters.filter { $0.properties.headers["x-kiamo-command-id"]?.stringValue == id }
                #expect(letters.count == 1, "\(id): \(letters.count) dead letters")
                #expect(letters.first?.properties.headers["x-kiamo-error-code"]?.stringValue == code, "\(id)")
                let message = letters.first?.properties.headers["x-kiamo-error-message"]?.stringValue ?? ""
                #expect(message.utf8.count <= 1024, "\(id): an error message of \(message.utf8.count) bytes")
                let failed = rig.reports.filter { $0.commandId == id }
                #expect(failed.map(\.status) == [.failed], "\(id)")
                #expect((failed.first?.error?.message.utf8.count ?? 0) <= 1024, "\(id)")
            }
            let bounded = rig.deadLetters.first { $0.properties.headers["x-kiamo-command-id"]?.stringValue == "poison-headers" }
            #expect((bounded?.properties.headers["x-kiamo-headers-omitted"]?.intValue ?? 0) > 0)
            #expect(bounded?.body == emptyContent)
            // The connection never dropped: no reconnect, and the worker is still consuming.
            #expect(!worker.output().contains("AMQP reconnect attempt"), "\(worker.output().suffix(3000))")
            #expect(worker.isRunning)
            try await rig.expectGracefulStop(worker)
        }
    }
}
