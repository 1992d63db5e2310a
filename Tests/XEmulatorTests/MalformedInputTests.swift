import Foundation
import Testing

@testable import XEmulator

@Suite("Malformed input")
struct MalformedInputTests {
    @Test func answersRandomBytesWithoutCrashing() async throws {
        let harness = try EmulatorHarness(rateLimits: .off)
        let targets = [
            "/2/dm_conversations/with/906948460078698496/messages", "/2/dm_conversations/1234-906948460078698496/messages",
            "/1.1/direct_messages/events/new.json", "/2/oauth2/token", "/_emulator/dms", "/_emulator/faults", "/_emulator/users",
        ]
        try await harness.run { client in
            var generator = SystemRandomNumberGenerator()
            for round in 0..<150 {
                let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let target = targets[round % targets.count]
                let type = ["application/json", "application/x-www-form-urlencoded", "text/plain"][round % 3]
                let reply = try await client.send("POST", target, body: Data(bytes), contentType: type, auth: .oauth1)
                #expect((400...499).contains(reply.status), "\(target) \(type): \(reply.status) \(reply.text)")
            }
            // Times that would overflow the id arithmetic.
            for time in ["9223372036854775807", "-9223372036854775808", "1e300", "\"+999999-01-01T00:00:00Z\"", "\"-0001-01-01T00:00:00Z\""] {
                let reply = try await client.postJSON("/_emulator/dms", #"{"from":"906948460078698496","text":"x","createdAt":\#(time)}"#, auth: .none)
                #expect(reply.status == 400, "createdAt \(time): \(reply.status) \(reply.text)")
            }
            // Hostile query strings and paths (with a bearer token: the tests' signer would refuse to sign them).
            let token = try await client.bearer().access
            for target in [
                "/2/dm_events?%zz", "/2/dm_events?max_results=%FF%FE", "/2/users/%00", "/2/dm_events?=", "/2/users?ids=,,,",
                "/2/dm_events?dm_event.fields=", "/2/dm_conversations/with/%E2%82%AC/dm_events", "/1.1/direct_messages/events/show.json?id=%",
                "//2/dm_events", "/2/dm_events/",
            ] {
                let reply = try await client.get(target, auth: .bearer(token))
                #expect((400...499).contains(reply.status), "\(target): \(reply.status) \(reply.text)")
            }
            for header in ["OAuth", "OAuth oauth_token", #"OAuth oauth_token="unterminated"#, "Bearer", "Basic abc", String(repeating: "OAuth x=\"y\",", count: 500)] {
                #expect(try await client.get("/2/users/me", auth: .header(header)).status == 401)
            }
            // Still serving normally afterwards.
            #expect(try await client.get("/2/users/me").status == 200)
        }
    }

    @Test func refusesAnOversizedBody() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let huge = Data(repeating: UInt8(ascii: "a"), count: (1 << 20) + 1)
            let reply = try await client.send("POST", "/2/dm_conversations/with/906948460078698496/messages", body: huge, contentType: "application/json", auth: .oauth1)
            #expect(reply.status == 413)
        }
    }
}
