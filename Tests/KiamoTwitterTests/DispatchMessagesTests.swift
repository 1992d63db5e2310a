import AMQP
import Foundation
import Testing
import XAPI

@testable import KiamoTwitter

@Suite struct DispatchMessagesTests {
    let messages = DispatchMessages(topology: Topology(exchange: "kiamo.twitter"))
    let inbound = SendDelivery(
        body: Data(#"{"to": {"id": "42"}, "content": "Hi"}"#.utf8),
        properties: AMQPProperties(contentType: "application/json", headers: ["x-custom": "kept", "x-kiamo-publish-tag": 7, "x-publish-tag": 8], messageId: "cmd-1"),
        exchange: "kiamo.twitter", routingKey: "send.1234")

    @Test func aDeadLetterKeepsTheCommandAndCarriesTheReasonUnderSendAccount() {
        let failure = CommandFailure(.xRejected, "X refused the DM (HTTP 403): Forbidden", httpStatus: 403)
        let letter = messages.deadLetter(inbound, accountId: "1234", commandId: "cmd-1", failure: failure, attempts: 2)
        #expect(letter.exchange == "kiamo.twitter.dlx")
        #expect(letter.routingKey == "send.1234")
        #expect(letter.body == inbound.body)
        #expect(letter.mandatory)
        #expect(letter.properties.deliveryMode == .persistent)
        #expect(letter.properties.messageId == "cmd-1")
        let headers = letter.properties.headers
        #expect(headers["x-kiamo-error-code"] == "x_rejected")
        #expect(headers["x-kiamo-error-message"]?.stringValue == failure.message)
        #expect(headers["x-kiamo-http-status"]?.intValue == 403)
        #expect(headers["x-kiamo-attempts"]?.intValue == 2)
        #expect(headers["x-kiamo-command-id"] == "cmd-1")
        #expect(headers["x-kiamo-original-routing-key"] == "send.1234")
        #expect(headers["x-custom"] == "kept")
        #expect(headers["x-kiamo-publish-tag"] == nil)
        #expect(headers["x-publish-tag"] == nil, "the AMQP module writes its own tag")
    }

    @Test func aCommandOfNoKnownAccountIsDeadLetteredUnderSendUnknown() {
        let odd = SendDelivery(body: Data("x".utf8), routingKey: "weird.key.here")
        let letter = messages.deadLetter(odd, accountId: nil, commandId: "m", failure: CommandFailure(.unknownRoutingKey, "..."), attempts: 1)
        #expect(letter.routingKey == "send.unknown")
        #expect(letter.properties.headers["x-kiamo-original-routing-key"] == "weird.key.here")
    }

    @Test func aRetryCopyGoesToItsTierWithTheNextAttemptAndTheUnknownOutcome() {
        let since = Date(timeIntervalSince1970: 1_750_000_000.123)
        let copy = messages.retry(inbound, accountId: "1234", tier: .seconds(10), attempt: 3, unverifiedSince: since)
        #expect(copy.exchange == "kiamo.twitter.retry")
        #expect(copy.routingKey == "send.1234")
        #expect(copy.properties.headers["x-retry-tier"] == "10s")
        #expect(copy.properties.headers["x-kiamo-attempt"]?.intValue == 3)
        #expect(copy.properties.headers["x-kiamo-unverified-since"]?.intValue == 1_750_000_000_123)
        #expect(copy.properties.messageId == "cmd-1")
        // Read back as the next delivery's headers.
        let retry = try? DispatchHeaders.retry(from: copy.properties.headers).get()
        #expect(retry?.attempt == 3)
        #expect(retry?.unverifiedSince == Date(timeIntervalSince1970: 1_750_000_000.123))

        let cleared = messages.retry(
            SendDelivery(body: copy.body, properties: copy.properties, routingKey: copy.routingKey),
            accountId: "1234", tier: .seconds(1), attempt: 4, unverifiedSince: nil)
        #expect(cleared.properties.headers["x-kiamo-unverified-since"] == nil)
    }

    @Test func aReportFollowsTheContract() throws {
        let report = DeliveryReport(
            commandId: "cmd-1", status: .sent, dmEventId: "99", conversationId: "42-1234", accountId: "1234",
            recipientId: "42", attempts: 1, at: Date(timeIntervalSince1970: 1_750_000_000))
        let message = try messages.report(report, accountId: "1234", at: Date(timeIntervalSince1970: 1_750_000_000))
        #expect(message.exchange == "kiamo.twitter")
        #expect(message.routingKey == "report.1234.sent")
        #expect(message.properties.correlationId == "cmd-1")
        #expect(message.properties.type == "kiamo.report")
        #expect(message.properties.contentType == "application/json")
        #expect(message.properties.deliveryMode == .persistent)
        #expect(try KiamoJSON.decode(DeliveryReport.self, from: message.body) == report)
        let failed = DeliveryReport(commandId: "x", status: .failed, attempts: 1, at: Date(), error: .init(code: "invalid_json", message: "..."))
        #expect(try messages.report(failed, accountId: nil, at: Date()).routingKey == "report.unknown.failed")
    }

    // MARK: Headers

    @Test func retryHeadersOfTheWrongTypeAreRefused() {
        #expect((try? DispatchHeaders.retry(from: [:]).get()) == DispatchHeaders.Retry(attempt: 1))
        for bad: AMQPTable in [["x-kiamo-attempt": "2"], ["x-kiamo-attempt": 0], ["x-kiamo-attempt": 2.5], ["x-kiamo-unverified-since": "yesterday"]] {
            guard case .failure(let failure) = DispatchHeaders.retry(from: bad) else {
                Issue.record("\(bad) was accepted")
                continue
            }
            #expect(failure.code == .invalidHeader)
        }
        #expect((try? DispatchHeaders.retry(from: ["x-kiamo-attempt": .int32(5)]).get())?.attempt == 5)
        #expect(DispatchHeaders.accountHeader(from: ["x-account-id": 12]) == .some(nil))
        #expect(DispatchHeaders.accountHeader(from: ["x-account-id": "12"]) == .some("12"))
        #expect(DispatchHeaders.accountHeader(from: [:]) == .none)
    }

    // MARK: Identity of invalid commands

    @Test func anInvalidCommandIsIdentifiedByItsBodyIdThenMessageIdThenAFreshId() {
        let accounts: Set<String> = ["1234"]
        let withId = CommandIdentity.of(body: Data(#"{"id": "c-7", "content": 3}"#.utf8), routingKey: "send.1234", messageId: "m-1", accounts: accounts)
        #expect(withId == CommandIdentity(commandId: "c-7", accountId: "1234"))
        let notJSON = CommandIdentity.of(body: Data("garbage".utf8), routingKey: "send.999", messageId: "m-1", accounts: ["1234", "5678"])
        #expect(notJSON == CommandIdentity(commandId: "m-1", accountId: nil))
        let nothing = CommandIdentity.of(body: Data([0xFF]), routingKey: "other", messageId: nil, accounts: accounts)
        #expect(nothing.commandId.hasPrefix("unidentified-"))
        #expect(nothing.accountId == "1234") // the only account configured
    }

    // MARK: Conversation match

    @Test func theMatchIsTheOldestSameTextDMFromTheAccountSinceTheAttempt() {
        let since = Date(timeIntervalSince1970: 1_750_000_000)
        func event(_ id: String, _ text: String, from sender: String = "1234", at offset: TimeInterval) -> DMEvent {
            DMEvent(id: id, text: text, createdAt: since.addingTimeInterval(offset), senderId: sender, conversationId: "42-1234")
        }
        let match = ConversationMatch(clockSkew: .seconds(2))
        let events = [ // newest first
            event("6", "Hello", at: 30),
            event("5", "Hello", from: "42", at: 20),
            event("4", "Hello", at: 10),
            event("3", "Other", at: 5),
            event("2", "Hello", at: -60),
        ]
        #expect(match.find(in: events, account: "1234", text: "Hello", since: since)?.id == "4")
        #expect(match.find(in: events, account: "1234", text: "Missing", since: since) == nil)
        #expect(match.find(in: [event("7", "Hello", at: -1)], account: "1234", text: "Hello", since: since)?.id == "7") // within the skew
        #expect(match.coversSince(events, since: since))
        #expect(!match.coversSince(Array(events.prefix(4)), since: since))
        // X stores NFC: a decomposed é matches its composed form.
        #expect(match.find(in: [event("8", "caf\u{E9}", at: 1)], account: "1234", text: "cafe\u{301}", since: since)?.id == "8")
        // A reply of media alone is told by its media: any other DM without text is not it.
        var photo = event("9", "", at: 2)
        photo.mediaKeys = ["3_1880028106020515840"]
        var other = event("10", "", at: 3)
        other.mediaKeys = ["3_77"]
        #expect(match.find(in: [other, photo], account: "1234", text: "", since: since, mediaId: "1880028106020515840")?.id == "9")
        #expect(match.find(in: [other], account: "1234", text: "", since: since, mediaId: "1880028106020515840") == nil)
        #expect(match.find(in: [other, photo], account: "1234", text: "", since: since) == nil)
    }
}
