import Foundation
import KiamoTwitter
import SharedState
import TestSupport
import Testing
import XIdentifiers

/// X's id rule, once (`XID`), and each place that applies it agreeing at every bound: the send
/// command's `to.id`, ingest's event ids (`Snowflake.parse`), the state store's event ids.
@Suite struct XIDTests {
    /// Texts at and around each bound, with whether X's rule accepts them: the table the PHP
    /// connector's test reads too (`Tests/Fixtures/x-id-bounds.json`).
    static let cases: [(text: String, valid: Bool)] = {
        struct Table: Decodable {
            struct Case: Decodable { var text: String; var valid: Bool }
            var cases: [Case]
        }
        let url = PackagePaths.root.appendingPathComponent("Tests/Fixtures/x-id-bounds.json")
        let table = try! JSONDecoder().decode(Table.self, from: Data(contentsOf: url))
        return table.cases.map { ($0.text, $0.valid) }
    }()

    @Test func theRuleIsOneToNineteenDigitsOfAPositiveInt64() {
        #expect(Self.cases.count >= 20)
        for (text, valid) in Self.cases {
            #expect(XID.isValid(text) == valid, "\(text.debugDescription)")
        }
        #expect(XID("0001")?.description == "1")
        #expect(XID("9223372036854775807")?.value == Int64.max)
        #expect(XID("999")! < XID("1000")!)
        #expect(XID(value: 0) == nil)
        #expect(XID(value: -5) == nil)
    }

    @Test func aSendCommandsRecipientFollowsTheRule() {
        let validator = SendCommandValidator(accountIds: ["1234"], maxBodyBytes: 65_536, splitLongMessages: false)
        let envelope = SendCommandValidator.Envelope(routingKey: "send.1234", messageId: "m-1")
        for (text, valid) in Self.cases {
            let body = try! JSONSerialization.data(withJSONObject: ["to": ["id": text], "content": "x"])
            switch validator.validate(body: body, envelope: envelope) {
            case .success: #expect(valid, "to.id \(text.debugDescription) accepted")
            case .failure(let failure): #expect(!valid && failure.code == .invalidRecipient, "to.id \(text.debugDescription): \(failure)")
            }
        }
    }

    @Test func ingestAndTheStateStoreReadEventIdsByTheRule() {
        for (text, valid) in Self.cases {
            #expect((Snowflake.parse(text) != nil) == valid, "Snowflake.parse(\(text.debugDescription))")
            #expect(((try? EventIDOrder.value(of: text)) != nil) == valid, "EventIDOrder.value(of: \(text.debugDescription))")
        }
    }
}
