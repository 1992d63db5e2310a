import Foundation
import Testing

@testable import KiamoTwitter

@Suite struct SendCommandValidatorTests {
    let validator = SendCommandValidator(accountIds: ["1234"], maxBodyBytes: 65_536, splitLongMessages: false)
    let envelope = SendCommandValidator.Envelope(routingKey: "send.1234", messageId: "m-1")

    private func validate(_ json: String, envelope: SendCommandValidator.Envelope? = nil, validator: SendCommandValidator? = nil) -> Result<SendCommand, CommandFailure> {
        (validator ?? self.validator).validate(body: Data(json.utf8), envelope: envelope ?? self.envelope)
    }

    private func code(_ json: String, envelope: SendCommandValidator.Envelope? = nil) -> CommandFailure.Code? {
        if case .failure(let failure) = validate(json, envelope: envelope) { return failure.code }
        return nil
    }

    @Test func kiamoMessageTaskIsAccepted() throws {
        let command = try validate(#"{"to": {"id": "906948460078698496", "name": "Jane Doe@janedoe"}, "content": "Hi \"Jane\"\n👋"}"#).get()
        #expect(command.id == "m-1")
        #expect(command.accountId == "1234")
        #expect(command.recipientId == "906948460078698496")
        #expect(command.recipientName == "Jane Doe@janedoe")
        #expect(command.content == "Hi \"Jane\"\n👋")
        #expect(command.parts == [command.content])
        #expect(command.ledgerKey(part: 0) == "m-1")
    }

    @Test func bodyIdWinsOverMessageIdAndAccountMayComeFromTheBody() throws {
        let command = try validate(#"{"id": "cmd-9", "accountId": "1234", "to": {"id": "1"}, "content": "x"}"#).get()
        #expect(command.id == "cmd-9")
    }

    @Test func everyKindOfBadCommandHasItsCode() {
        #expect(code("not json") == .invalidJSON)
        #expect(code("[1, 2]") == .invalidJSON)
        #expect(code(#""just a string""#) == .invalidJSON)
        #expect(code(#"{"content": "x"}"#) == .missingField)
        #expect(code(#"{"to": "906", "content": "x"}"#) == .wrongType)
        #expect(code(#"{"to": {}, "content": "x"}"#) == .missingField)
        #expect(code(#"{"to": {"id": 906948460078698496}, "content": "x"}"#) == .wrongType)
        #expect(code(#"{"to": {"id": "@jane"}, "content": "x"}"#) == .invalidRecipient)
        #expect(code(#"{"to": {"id": "99999999999999999999999"}, "content": "x"}"#) == .invalidRecipient)
        #expect(code(#"{"to": {"id": "1"}}"#) == .missingField)
        #expect(code(#"{"to": {"id": "1"}, "content": 42}"#) == .wrongType)
        #expect(code(#"{"to": {"id": "1"}, "content": "  \n "}"#) == .emptyContent)
        #expect(code(#"{"to": {"id": "1"}, "content": "x", "id": 7}"#) == .wrongType)
        #expect(code(#"{"to": {"id": "1"}, "content": "x", "accountId": "999"}"#) == .accountMismatch)
        #expect(code(#"{"to": {"id": "1"}, "content": "x"}"#, envelope: .init(routingKey: "send.999", messageId: "m")) == .unknownAccount)
        #expect(code(#"{"to": {"id": "1"}, "content": "x"}"#, envelope: .init(routingKey: "kiamo.twitter.send", messageId: "m")) == .unknownRoutingKey)
        #expect(code(#"{"to": {"id": "1"}, "content": "x"}"#, envelope: .init(routingKey: "send.1234", messageId: nil)) == .missingId)
        #expect(code(#"{"to": {"id": "1"}, "content": "x"}"#, envelope: .init(routingKey: "send.1234", messageId: "m", accountHeader: .some(nil))) == .invalidHeader)
    }

    @Test func invalidUTF8AndOversizedBodiesAreRefusedBeforeParsing() {
        let invalid = validator.validate(body: Data([0x7B, 0xFF, 0xFE, 0x7D]), envelope: envelope)
        #expect((try? invalid.get()) == nil)
        if case .failure(let failure) = invalid { #expect(failure.code == .invalidEncoding) }

        let small = SendCommandValidator(accountIds: ["1234"], maxBodyBytes: 1024, splitLongMessages: false)
        let huge = String(repeating: "a", count: 2000)
        if case .failure(let failure) = validate(#"{"to": {"id": "1"}, "content": "\#(huge)"}"#, validator: small) {
            #expect(failure.code == .tooLarge)
        } else {
            Issue.record("an oversized body must be refused")
        }
    }

    @Test func tooLongContentIsRefusedOrSplit() throws {
        let long = Array(repeating: "word", count: 3000).joined(separator: " ") // 14,999 characters
        #expect(code(#"{"to": {"id": "1"}, "content": "\#(long)"}"#) == .contentTooLong)
        let splitting = SendCommandValidator(accountIds: ["1234"], maxBodyBytes: 65_536, splitLongMessages: true)
        let command = try validate(#"{"to": {"id": "1"}, "content": "\#(long)"}"#, validator: splitting).get()
        #expect(command.parts.count == 2)
        #expect(command.parts.allSatisfy { $0.unicodeScalars.count <= 10_000 })
        #expect(command.parts.joined(separator: " ") == long)
        #expect(command.ledgerKey(part: 1) == "m-1#2/2")
    }

    @Test func exactlyTheLimitIsOnePart() throws {
        let text = String(repeating: "é", count: 10_000)
        let command = try validate(#"{"to": {"id": "1"}, "content": "\#(text)"}"#).get()
        #expect(command.parts.count == 1)
    }
}

@Suite struct MessageSplitterTests {
    @Test func cutsAtWhiteSpaceAndKeepsEveryWord() {
        let parts = MessageSplitter.split("aaa bbb ccc ddd", limit: 8)
        #expect(parts == ["aaa bbb", "ccc ddd"])
    }

    @Test func cutsLongWordsAtTheLimitWithoutBreakingEmoji() {
        let family = "👨‍👩‍👧" // one character of five scalars
        let text = String(repeating: family, count: 5)
        let parts = MessageSplitter.split(text, limit: 12)
        #expect(parts.joined() == text)
        #expect(parts.allSatisfy { $0.unicodeScalars.count <= 12 })
        #expect(parts.allSatisfy { $0.count >= 1 && $0.allSatisfy { $0 == Character(family) } })
    }

    @Test func shortTextIsOnePart() {
        #expect(MessageSplitter.split("hello", limit: 10) == ["hello"])
    }
}

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(tiers: [.seconds(600), .seconds(1), .seconds(60), .seconds(10)], maxAttempts: 5)

    @Test func backoffDoublesAndPicksTheTierAtOrAbove() {
        #expect(policy.afterTransientFailure(attempt: 1, jitter: 0) == .retry(after: .seconds(1), tier: .seconds(1)))
        #expect(policy.afterTransientFailure(attempt: 2, jitter: 0) == .retry(after: .seconds(2), tier: .seconds(10)))
        #expect(policy.afterTransientFailure(attempt: 4, jitter: 0.5) == .retry(after: .seconds(10), tier: .seconds(10)))
        #expect(policy.afterTransientFailure(attempt: 5, jitter: 0) == .giveUp)
    }

    @Test func longWaitsGoToTheLargestTier() {
        #expect(policy.tier(for: .seconds(3600)) == .seconds(600))
        #expect(policy.tier(for: .milliseconds(10)) == .seconds(1))
        let many = RetryPolicy(tiers: [.seconds(1), .seconds(600)], maxAttempts: 100)
        #expect(many.afterTransientFailure(attempt: 40, jitter: 0.9) == .retry(after: .seconds(600), tier: .seconds(600)))
    }
}

@Suite struct TopologyTests {
    @Test func namesAndArgumentsFollowTheContract() {
        let topology = Topology()
        #expect(topology.exchanges.map(\.name) == ["kiamo.twitter", "kiamo.twitter.retry", "kiamo.twitter.dlx"])
        #expect(topology.exchanges.map(\.type) == ["topic", "headers", "topic"])
        let queues = Dictionary(uniqueKeysWithValues: topology.queues.map { ($0.name, $0.arguments) })
        #expect(queues["kiamo.twitter.inbound"] == ["x-dead-letter-exchange": .string("kiamo.twitter.dlx")])
        #expect(queues["kiamo.twitter.send.retry.10s"] == ["x-message-ttl": .integer(10_000), "x-dead-letter-exchange": .string("kiamo.twitter")])
        #expect(queues["kiamo.twitter.send.retry.10m"] != nil)
        #expect(
            topology.bindings.contains(
                .init(
                    queue: "kiamo.twitter.send.retry.1m", exchange: "kiamo.twitter.retry", routingKey: "",
                    arguments: ["x-match": .string("all-with-x"), "x-retry-tier": .string("1m")])))
        #expect(WireContract.RoutingKey.report(account: "1", status: .failed) == "report.1.failed")
    }

    @Test func quorumAppliesToEveryQueueAndTheRetryTiersDeadLetterAtLeastOnce() {
        let topology = Topology(queueType: .quorum)
        for queue in topology.queues {
            #expect(queue.arguments["x-queue-type"] == .string("quorum"), "\(queue.name)")
            let isRetry = queue.name.contains(".retry.")
            #expect((queue.arguments["x-dead-letter-strategy"] == .string("at-least-once")) == isRetry, "\(queue.name)")
            #expect((queue.arguments["x-overflow"] == .string("reject-publish")) == isRetry, "\(queue.name)")
        }
    }
}
