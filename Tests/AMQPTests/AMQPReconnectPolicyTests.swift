import Testing

@testable import AMQP

@Suite("Reconnect backoff arithmetic")
struct AMQPReconnectPolicyTests {
    let policy = AMQPReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(5), multiplier: 2, jitter: 0.2)

    @Test func delaysDoubleUpToTheCap() {
        let delays = (1...10).map { policy.delay(beforeAttempt: $0, random: 0.5) }
        #expect(delays.prefix(6) == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .milliseconds(3200)])
        #expect(delays.suffix(4).allSatisfy { $0 == .seconds(5) })
        #expect(policy.delay(beforeAttempt: 10_000, random: 0.5) == .seconds(5))
    }

    @Test func jitterSpreadsEachDelayByItsFraction() {
        #expect(policy.delay(beforeAttempt: 1, random: 0) == .milliseconds(80))
        #expect(policy.delay(beforeAttempt: 1, random: 1) == .milliseconds(120))
        #expect(policy.delay(beforeAttempt: 20, random: 1) == .seconds(6))
    }

    @Test func attemptsAreBoundedWhenAsked() {
        let bounded = AMQPReconnectPolicy(maximumAttempts: 3)
        #expect(bounded.allows(attempt: 3) && !bounded.allows(attempt: 4))
        #expect(AMQPReconnectPolicy().allows(attempt: 1_000_000))
        #expect(!AMQPReconnectPolicy.disabled.allows(attempt: 1))
    }
}
