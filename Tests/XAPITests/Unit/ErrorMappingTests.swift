import CurlHTTP
import Foundation
import Testing

@testable import XAPI

@Suite("Error mapping from X's answers")
struct ErrorMappingTests {
    static func map(_ status: Int, _ json: String, headers: HTTPHeaders = [:]) -> XAPIError {
        XErrorMapper.error(for: CannedTransport.response(status: status, json: json, headers: headers), operation: .sendDM, now: UnitClients.now)
    }

    @Test func tooManyRequestsCarriesTheResetTime() {
        let error = Self.map(429, Fixtures.rateLimited, headers: ["x-rate-limit-limit": "200", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "1700000900"])
        let reset = Date(timeIntervalSince1970: 1_700_000_900)
        #expect(error == .rateLimited(operation: .sendDM, resetAt: reset, rateLimit: RateLimitInfo(limit: 200, remaining: 0, resetAt: reset)))
        #expect(error.isRetryable)
        #expect(error.httpStatus == 429)
        #expect(error.description.contains("1700000900"))
    }

    @Test func tooManyRequestsFallsBackToRetryAfter() {
        let error = Self.map(429, "", headers: ["Retry-After": "60"])
        #expect(error == .rateLimited(operation: .sendDM, resetAt: UnitClients.now.addingTimeInterval(60), rateLimit: nil))
    }

    @Test func v2ProblemBecomesAPermanentRejection() {
        let error = Self.map(400, Fixtures.v2InvalidRequest, headers: ["x-rate-limit-remaining": "5"])
        guard case .rejected(.sendDM, 400, let problem, let rateLimit) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(problem.title == "Invalid Request")
        #expect(problem.detail == "One or more parameters to your request was invalid.")
        #expect(problem.type == "https://api.x.com/2/problems/invalid-request")
        #expect(problem.errors.map(\.message) == ["The `participant_id` path parameter value [x] is not valid"])
        #expect(rateLimit?.remaining == 5)
        #expect(!error.isRetryable)

        let forbidden = Self.map(403, Fixtures.v2Forbidden)
        #expect(
            forbidden
                == .rejected(
                    operation: .sendDM, httpStatus: 403, problem: XProblem(title: "Forbidden", detail: "You are not permitted to send messages to this user.", type: "about:blank"), rateLimit: nil))
        #expect(forbidden.description.contains("You are not permitted to send messages to this user."))
    }

    @Test func v1ErrorsMapToCodeAndMessage() {
        let error = Self.map(404, Fixtures.v1NotFound)
        #expect(error == .rejected(operation: .sendDM, httpStatus: 404, problem: XProblem(title: "User not found.", code: 50, errors: [.init(code: 50, message: "User not found.")]), rateLimit: nil))
        #expect(error.description.contains("code 50"))
    }

    @Test func unauthorizedServerErrorsAndOddStatusesMapToTheirKinds() {
        #expect(Self.map(401, Fixtures.v1Unauthorized) == .unauthorized(operation: .sendDM, detail: "Could not authenticate you."))
        #expect(Self.map(500, "<html>oops</html>") == .transient(operation: .sendDM, cause: .httpStatus(500), rateLimit: nil))
        #expect(Self.map(503, "").isRetryable)
        #expect(Self.map(302, "") == .transient(operation: .sendDM, cause: .httpStatus(302), rateLimit: nil))
        #expect(Self.map(404, "not json at all") == .rejected(operation: .sendDM, httpStatus: 404, problem: XProblem(), rateLimit: nil))
    }

    @Test func transportFailuresAreTransientAndCancellationPassesThrough() async throws {
        let failing = try UnitClients.v2OAuth1(CannedTransport { _, _ in throw HTTPClientError.shutdown })
        let error = await #expect(throws: XAPIError.self) { try await failing.me() }
        guard case .transient(.me, .network, nil) = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == true)

        let cancelled = try UnitClients.v2OAuth1(CannedTransport { _, _ in throw CancellationError() })
        await #expect(throws: CancellationError.self) { try await cancelled.me() }
    }

    @Test func rateLimitHeadersAreParsedWhenPresentOnly() {
        #expect(RateLimitInfo(headers: [:]) == nil)
        #expect(RateLimitInfo(headers: ["X-Rate-Limit-Remaining": " 7 "]) == RateLimitInfo(limit: nil, remaining: 7, resetAt: nil))
        #expect(RateLimitInfo(headers: ["x-rate-limit-limit": "abc"]) == nil)
    }
}
