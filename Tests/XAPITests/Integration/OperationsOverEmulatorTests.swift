import Foundation
import TestSupport
import Testing
import XEmulator

@testable import XAPI

/// Every operation of the client, in both dialects and with both authentication methods, against
/// the emulator over real HTTP.
@Suite("Operations against the emulator")
struct OperationsOverEmulatorTests {
    static let janeID = "906948460078698496"
    static let bobID = "906948460078698497"
    static let inbound = "Hello \"agent\" 👋\nsecond line, مرحبا بك, 100% + ~*"
    static let reply = "Hi \"Jane\",\nthat's 😀 \\ done — {\"json\": true}"

    @Test(arguments: ClientSetup.allCases)
    func everyOperationWorks(_ setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup) { rig in
            let account = EmulatorRig.accountID
            try rig.emulator.addUser(id: Self.janeID, name: "Jane \"JD\" Doe 🌟", username: "janedoe")
            try rig.emulator.addUser(id: Self.bobID, name: "Bob", username: "bob")
            let received = try rig.emulator.postDM(from: Self.janeID, text: Self.inbound, attachments: [DMAttachment(type: "photo", url: "https://pbs.twimg.com/media/jane.jpg")])
            try rig.emulator.postDM(from: Self.bobID, text: "from bob")
            let client = rig.client

            // sendDM: the text reaches X byte for byte.
            let sent = try await client.sendDM(to: Self.janeID, text: Self.reply)
            #expect(sent.conversationId == "\(account)-\(Self.janeID)")
            let recorded = try #require(rig.emulator.sent().last)
            #expect(recorded.text == Self.reply)
            #expect(recorded.dmEventID == sent.dmEventId)
            #expect(recorded.recipientID == Self.janeID)
            #expect(sent.rateLimit?.remaining != nil)

            // listDMEvents: newest first, what ingest needs to map without a look-up per message.
            let page = try await client.listDMEvents(pageToken: nil, maxResults: 50)
            #expect(page.events.map(\.id) == [sent.dmEventId, page.events[1].id, received.id])
            #expect(page.events.compactMap(\.numericId) == page.events.compactMap(\.numericId).sorted(by: >))
            let fromJane = try #require(page.events.last)
            #expect(fromJane.text == Self.inbound)
            #expect(fromJane.senderId == Self.janeID)
            #expect(fromJane.conversationId == "\(account)-\(Self.janeID)")
            #expect(fromJane.createdAt.map { abs($0.timeIntervalSince(received.createdAt)) < 0.001 } == true)
            #expect(fromJane.mediaKeys.count == 1)
            #expect(page.media.map(\.mediaKey) == fromJane.mediaKeys)
            #expect(page.media.first?.type == "photo")
            #expect(page.events.first?.text == Self.reply)
            #expect(page.events.first?.senderId == account)
            #expect(page.nextToken == nil)
            #expect(page.rateLimit?.limit != nil && page.rateLimit?.remaining != nil && page.rateLimit?.resetAt != nil)
            if setup.isV1 {
                #expect(page.users.isEmpty)
            } else {
                #expect(Set(page.users.map(\.id)) == [account, Self.janeID, Self.bobID])
                #expect(page.users.first { $0.id == Self.janeID }?.name == "Jane \"JD\" Doe 🌟")
            }

            // conversationEvents: only the conversation with that participant.
            let withJane = try await client.conversationEvents(with: Self.janeID, pageToken: nil, maxResults: 50)
            #expect(withJane.events.map(\.id) == [sent.dmEventId, received.id])
            let withBob = try await client.conversationEvents(with: Self.bobID, pageToken: nil, maxResults: 50)
            #expect(withBob.events.map(\.text) == ["from bob"])

            // Users.
            let jane = XUser(id: Self.janeID, name: "Jane \"JD\" Doe 🌟", username: "janedoe")
            let me = try await client.me()
            #expect(me.value == XUser(id: account, name: TestEmulator.Credentials.accountName, username: TestEmulator.Credentials.accountUsername))
            #expect(me.rateLimit?.remaining != nil)
            #expect(try await client.user(id: Self.janeID).value == jane)
            #expect(try await client.user(username: "janedoe").value == jane)
            let several = try await client.users(ids: [Self.janeID, "999999999", Self.bobID])
            #expect(several.value.map(\.id) == [Self.janeID, Self.bobID])

            // X's refusals are permanent, typed errors.
            let unknown = await #expect(throws: XAPIError.self) { try await client.user(id: "999999999") }
            #expect(unknown?.isRetryable == false)
            guard case .rejected(.userById, _, _, _) = unknown else {
                Issue.record("expected a rejection, got \(String(describing: unknown))")
                return
            }
        }
    }

    @Test(arguments: [ClientSetup.v2OAuth1, .v1OAuth1])
    func aRecipientWhoRefusesDMsIsAPermanentRejection(_ setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup) { rig in
            try rig.emulator.store.addUser(EmulatorUser(id: "777", name: "Closed", username: "closed", acceptsDirectMessages: false))
            let error = await #expect(throws: XAPIError.self) { try await rig.client.sendDM(to: "777", text: "hello") }
            guard case .rejected(.sendDM, 403, let problem, _) = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            if setup.isV1 {
                #expect(problem.code == 349)
            } else {
                #expect(problem.detail == "You are not permitted to send Direct Messages to this user.")
            }
            #expect(rig.emulator.sent().isEmpty)
        }
    }

    @Test(arguments: [ClientSetup.v2OAuth1, .v1OAuth1])
    func wrongOAuth1CredentialsAreUnauthorized(_ setup: ClientSetup) async throws {
        try await EmulatorRig.with(setup) { rig in
            var wrong = EmulatorRig.oauth1
            wrong.consumerSecret = "not-the-secret"
            let client = try rig.client(version: setup.isV1 ? .v1_1 : .v2, credentials: .oauth1(wrong))
            let error = await #expect(throws: XAPIError.self) { try await client.listDMEvents(pageToken: nil, maxResults: 10) }
            guard case .unauthorized(.listDMEvents, _) = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(!String(describing: error).contains("not-the-secret"))
        }
    }
}
