import Foundation
import Testing

@testable import XEmulator

@Suite("Rate limits")
struct RateLimitTests {
    @Test func refusesWith429AndHeadersThenServesAfterTheWindowResets() async throws {
        var policy = RateLimitPolicy.x
        policy.windows[.dmRead] = [RateLimitPolicy.Window(limit: 3, seconds: 900)]
        let harness = try EmulatorHarness(rateLimits: policy)
        try await harness.run { client in
            let start = Int64(harness.clock.now().timeIntervalSince1970)
            for expected in [2, 1, 0] {
                let reply = try await client.get("/2/dm_events")
                #expect(reply.status == 200)
                #expect(reply.header("x-rate-limit-limit") == "3")
                #expect(reply.header("x-rate-limit-remaining") == String(expected))
            }
            let refused = try await client.get("/2/dm_conversations/with/42/dm_events") // same family
            #expect(refused.status == 429)
            #expect(refused.text == #"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#)
            #expect(refused.header("x-rate-limit-remaining") == "0")
            let reset = try #require(refused.header("x-rate-limit-reset").flatMap(Int64.init))
            #expect(reset >= start + 900 && reset <= start + 901)
            #expect(try await client.get("/2/users/me").status == 200) // another family
            harness.clock.advance(by: 901)
            let again = try await client.get("/2/dm_events")
            #expect(again.status == 200 && again.header("x-rate-limit-remaining") == "2")
            #expect(harness.store.stats().rateLimited == 1)
        }
    }

    @Test func sendsObeyTheTighterOfTwoWindows() async throws {
        var limiter = RateLimiter()
        let policy = RateLimitPolicy(windows: [.dmSend: [.init(limit: 3, seconds: 900), .init(limit: 5, seconds: 86_400)]])
        var now = 1_000_000.0
        var decisions: [RateLimitDecision] = []
        for _ in 0..<3 { decisions.append(limiter.check(user: 1, family: .dmSend, now: now, policy: policy)!) }
        #expect(decisions.map(\.remaining) == [2, 1, 0])
        #expect(decisions.allSatisfy { $0.limit == 3 })
        #expect(limiter.check(user: 1, family: .dmSend, now: now, policy: policy)?.allowed == false)
        #expect(limiter.check(user: 2, family: .dmSend, now: now, policy: policy)?.allowed == true) // per user
        now += 900
        let next = limiter.check(user: 1, family: .dmSend, now: now, policy: policy)!
        #expect(next.allowed && next.limit == 5 && next.remaining == 1) // the day window is now the tighter
        _ = limiter.check(user: 1, family: .dmSend, now: now, policy: policy)
        let dayRefusal = limiter.check(user: 1, family: .dmSend, now: now, policy: policy)!
        #expect(!dayRefusal.allowed && dayRefusal.limit == 5 && dayRefusal.reset == Int64(1_000_000 + 86_400))
    }

    @Test func offModeSendsHeadersButNeverRefuses() async throws {
        var policy = RateLimitPolicy.off
        policy.windows[.dmRead] = [RateLimitPolicy.Window(limit: 2, seconds: 900)]
        let harness = try EmulatorHarness(rateLimits: policy)
        try await harness.run { client in
            for _ in 0..<5 {
                let reply = try await client.get("/2/dm_events")
                #expect(reply.status == 200 && reply.header("x-rate-limit-remaining") == "1000000")
                #expect(reply.header("x-rate-limit-limit") == "1000000")
            }
        }
    }
}
