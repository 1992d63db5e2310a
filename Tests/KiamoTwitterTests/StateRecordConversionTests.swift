import Foundation
import SharedState
import Testing
import XAPI

@testable import KiamoTwitter

/// The X client's types and the state module's own records (the two modules know nothing of each
/// other; the core converts): nothing is lost on the way, and partial rate-limit headers are no
/// observation.
@Suite struct StateRecordConversionTests {
    @Test func xClientTypesAndStateRecordsConvertWithoutLoss() {
        let token = OAuth2Token(accessToken: "a", refreshToken: nil, expiresAt: Date(timeIntervalSince1970: 1_700_000_000), scope: "dm.read")
        #expect(OAuth2Token(TokenPair(token)) == token)
        let user = XUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe")
        #expect(XUser(CachedUser(user)) == user)
    }

    @Test func xapisParsedHeadersBecomeAnObservationOnlyWhenComplete() {
        let reset = Date(timeIntervalSince1970: 1_700_000_900)
        #expect(
            RateLimitObservation(RateLimitInfo(limit: 300, remaining: 12, resetAt: reset), rejected: true)
                == RateLimitObservation(limit: 300, remaining: 12, resetAt: reset, rejected: true))
        #expect(RateLimitObservation(RateLimitInfo(limit: 300, remaining: nil, resetAt: reset)) == nil)
        // A 200 with only the reset says nothing of the budget (it was recorded as 0 left).
        #expect(RateLimitObservation(RateLimitInfo(limit: nil, remaining: nil, resetAt: reset)) == nil)
        #expect(RateLimitObservation(RateLimitInfo(limit: 300, remaining: 12, resetAt: nil), rejected: true) == nil)
    }

    @Test func a429IsASpentWindowUntilItsResetWhateverElseXSent() {
        let reset = Date(timeIntervalSince1970: 1_700_000_900)
        #expect(
            RateLimitObservation(RateLimitInfo(limit: nil, remaining: nil, resetAt: reset), rejected: true)
                == RateLimitObservation(limit: 0, remaining: 0, resetAt: reset, rejected: true))
        #expect(
            RateLimitObservation(RateLimitInfo(limit: 300, remaining: nil, resetAt: reset), rejected: true)
                == RateLimitObservation(limit: 300, remaining: 0, resetAt: reset, rejected: true))
    }
}
