import Foundation
import Testing

@testable import XEmulator

@Suite("v2 DM sends")
struct SendTests {
    static let sendPath = "/2/dm_conversations/with/\(EmulatorHarness.customerID)/messages"

    @Test func sendsADMAndRecordsItAsSent() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let token = try await client.bearer().access
            let reply = try await client.postJSON(Self.sendPath, #"{"text":"Hi \"Jane\"\nsee you"}"#, auth: .bearer(token))
            #expect(reply.status == 201)
            let data = try #require(reply.json["data"] as? [String: Any])
            #expect(data["dm_conversation_id"] as? String == "1234-906948460078698496")
            let eventID = try #require(data["dm_event_id"] as? String)
            let sent = harness.store.sent()
            #expect(sent.count == 1)
            #expect(sent[0].dmEventID == eventID && sent[0].text == "Hi \"Jane\"\nsee you" && sent[0].recipientID == EmulatorHarness.customerID)
            #expect(sent[0].api == "v2")
            // The DM is in the conversation as the account's message.
            let list = try await client.get("/2/dm_events?dm_event.fields=sender_id", auth: .bearer(token))
            let first = try #require((list.json["data"] as? [[String: Any]])?.first)
            #expect(first["id"] as? String == eventID && first["sender_id"] as? String == EmulatorHarness.accountID)
        }
    }

    @Test func sendsToAConversationByIdAndWithAnAttachment() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let upload = try await client.postJSON("/2/media/upload", #"{"media":"\#(Data(MediaSamples.png()).base64EncodedString())","media_category":"dm_image"}"#)
            let mediaID = try #require((upload.json["data"] as? [String: Any])?["id"] as? String, "\(upload.text)")
            let reply = try await client.postJSON("/2/dm_conversations/1234-906948460078698496/messages", #"{"attachments":[{"media_id":"\#(mediaID)"}]}"#)
            // The conversation does not exist yet: X refuses sends to conversations you are not in.
            #expect(reply.status == 403)
            #expect(try await client.postJSON(Self.sendPath, #"{"text":"first"}"#).status == 201)
            let again = try await client.postJSON("/2/dm_conversations/1234-906948460078698496/messages", #"{"text":"pic","attachments":[{"media_id":"\#(mediaID)"}]}"#)
            #expect(again.status == 201)
            #expect(harness.store.sent().last?.mediaIDs == [mediaID])
        }
    }

    @Test func countsTextLengthInUnicodeScalarsAfterNormalization() {
        #expect(DMText.length("e\u{301}") == 1)
        #expect(DMText.length("👍🏽") == 2)
        #expect(DMText.length(String(repeating: "é", count: 10)) == 10)
    }

    @Test func refusesBadSendsWithProblems() async throws {
        let harness = try EmulatorHarness()
        try harness.store.addUser(EmulatorUser(id: "77", name: "Closed", username: "closed", acceptsDirectMessages: false))
        try await harness.run { client in
            let cases: [(String, String, String, Int)] = [
                (Self.sendPath, #"{"text":""}"#, "application/json", 400),
                (Self.sendPath, #"{}"#, "application/json", 400),
                (Self.sendPath, #"{"text":"hi","extra":1}"#, "application/json", 400),
                (Self.sendPath, #"{"text":5}"#, "application/json", 400),
                (Self.sendPath, #"{"text":"hi""#, "application/json", 400),
                (Self.sendPath, #"["text"]"#, "application/json", 400),
                (Self.sendPath, #"{"text":"hi"}"#, "text/plain", 400),
                (Self.sendPath, #"{"attachments":[{"media_id":"abc"}]}"#, "application/json", 400),
                (Self.sendPath, #"{"attachments":[{"media_id":"1"},{"media_id":"2"}]}"#, "application/json", 400),
                ("/2/dm_conversations/with/\(EmulatorHarness.accountID)/messages", #"{"text":"me"}"#, "application/json", 400),
                ("/2/dm_conversations/with/555/messages", #"{"text":"nobody"}"#, "application/json", 400),
                ("/2/dm_conversations/with/12a/messages", #"{"text":"bad id"}"#, "application/json", 400),
                ("/2/dm_conversations/with/77/messages", #"{"text":"closed"}"#, "application/json", 403),
                (Self.sendPath + "?foo=1", #"{"text":"hi"}"#, "application/json", 400),
            ]
            for (path, body, type, status) in cases {
                let reply = try await client.postJSON(path, body, contentType: type)
                #expect(reply.status == status, "\(path) \(body) \(type): \(reply.text)")
                #expect(reply.json["title"] is String && reply.json["detail"] is String && reply.json["type"] is String)
            }
            let tooLong = String(repeating: "a", count: 10_001)
            #expect(try await client.postJSON(Self.sendPath, #"{"text":"\#(tooLong)"}"#).status == 400)
            #expect(try await client.postJSON(Self.sendPath, #"{"text":"\#(String(tooLong.dropFirst()))"}"#).status == 201)
            #expect(harness.store.sent().count == 1)
        }
    }
}
