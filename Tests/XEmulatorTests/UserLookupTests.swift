import Foundation
import Testing

@testable import XEmulator

@Suite("v2 user look-ups")
struct UserLookupTests {
    @Test func looksUpMeByIdByIdsAndByUsername() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let me = try await client.get("/2/users/me")
            #expect((me.json["data"] as? [String: Any])?["username"] as? String == "kiamo_support")
            #expect(me.header("x-rate-limit-limit") == "75")
            let byID = try await client.get("/2/users/\(EmulatorHarness.customerID)?user.fields=profile_image_url,protected")
            let user = try #require(byID.json["data"] as? [String: Any])
            #expect(Set(user.keys) == ["id", "name", "username", "profile_image_url", "protected"])
            let byName = try await client.get("/2/users/by/username/JaneDoe")
            #expect((byName.json["data"] as? [String: Any])?["id"] as? String == EmulatorHarness.customerID)
            let many = try await client.get("/2/users?ids=\(EmulatorHarness.customerID),1234,999")
            #expect((many.json["data"] as? [[String: Any]])?.count == 2)
            let errors = try #require(many.json["errors"] as? [[String: Any]])
            #expect(errors.count == 1 && errors[0]["resource_id"] as? String == "999" && errors[0]["parameter"] as? String == "ids")
        }
    }

    @Test func answersUnknownUsersWithErrorsAndBadInputWith400() async throws {
        let harness = try EmulatorHarness()
        try await harness.run { client in
            let unknown = try await client.get("/2/users/999")
            #expect(unknown.status == 200 && unknown.json["data"] == nil)
            #expect((unknown.json["errors"] as? [[String: Any]])?.first?["title"] as? String == "Not Found Error")
            #expect(try await client.get("/2/users/by/username/nobody_here").json["errors"] != nil)
            #expect(try await client.get("/2/users/12x").status == 400)
            #expect(try await client.get("/2/users/by/username/has-dash").status == 400)
            #expect(try await client.get("/2/users").status == 400)
            #expect(try await client.get("/2/users?ids=1,a").status == 400)
            #expect(try await client.get("/2/users/me?user.fields=nope").status == 400)
            #expect(try await client.get("/2/users/me?max_results=5").status == 400)
        }
    }
}
