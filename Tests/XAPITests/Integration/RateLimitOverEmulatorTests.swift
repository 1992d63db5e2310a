import Foundation
import TestSupport
import Testing
import XEmulator

@testable import XAPI

@Suite("Rate limits against the emulator")
struct RateLimitOverEmulatorTests {
    /// Two list calls per window: the third is a 429 carrying the reset time, and once the clock
    /// passes it the same call succeeds. Client and emulator share a manual clock, so no one waits.
    @Test(arguments: ClientSetup.allCases)
    func a429CarriesTheResetAndTheCallSucceedsAfterIt(_ setup: ClientSetup) async throws {
        var policy = RateLimitPolicy.x
        policy.windows[.dmRead] = [.init(limit: 2, seconds: 900)]
        policy.windows[.v1EventsList] = [.init(limit: 2, seconds: 900)]
        let clock = ManualClock()
        try await EmulatorRig.with(setup, rateLimits: policy, clock: clock) { rig in
            let first = try await rig.client.listDMEvents(pageToken: nil, maxResults: 10)
            #expect(first.rateLimit?.limit == 2 && first.rateLimit?.remaining == 1)
            let second = try await rig.client.listDMEvents(pageToken: nil, maxResults: 10)
            #expect(second.rateLimit?.remaining == 0)

            let error = await #expect(throws: XAPIError.self) { try await rig.client.listDMEvents(pageToken: nil, maxResults: 10) }
            guard case .rateLimited(.listDMEvents, let resetAt?, let limit) = error else {
                Issue.record("expected a rate limit, got \(String(describing: error))")
                return
            }
            #expect(error?.isRetryable == true)
            #expect(limit?.remaining == 0)
            // x-rate-limit-reset is whole epoch seconds: the window end rounded up.
            #expect(resetAt > clock.now() && resetAt <= clock.now().addingTimeInterval(901))

            clock.set(resetAt.addingTimeInterval(1))
            let after = try await rig.client.listDMEvents(pageToken: nil, maxResults: 10)
            #expect(after.rateLimit?.remaining == 1)
        }
    }
}
