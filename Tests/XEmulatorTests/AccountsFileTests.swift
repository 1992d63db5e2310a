import CurlHTTP
import Foundation
import TestSupport
import Testing

@testable import XEmulator

/// `x-emulator --accounts FILE`: many accounts against one X, each with its own credentials, DMs
/// and rate-limit budgets; a bad file stops it at start with a line naming the file and the entry.
@Suite struct AccountsFileTests {
    private func file(_ json: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test func theExecutableServesEachAccountOfTheFileWithItsOwnCredentialsDMsAndBudget() async throws {
        let accounts = try file(
            """
            [{"id": "700001", "username": "kiamo_1", "accessToken": "700001-token", "accessTokenSecret": "secret-1"},
             {"id": "700002", "username": "kiamo_2", "name": "Kiamo Two", "accessToken": "700002-token", "accessTokenSecret": "secret-2"}]
            """)
        defer { try? FileManager.default.removeItem(at: accounts) }
        let http = try HTTPClient()
        defer { http.shutdown() }
        let process = try await EmulatorProcess.start(arguments: ["--accounts", accounts.path, "--rate-limit", "dm-read=2/900"])
        #expect(process.process.lines().first?.contains("and 2 more") == true)
        let control = EmulatorControlClient(baseURL: process.baseURL, http: http)
        let customer = try await control.addUser(name: "Jane Doe", username: "janedoe")
        try await control.postDM(from: customer.id, to: "700002", text: "to the second account")

        func get(_ path: String, as token: String, _ secret: String) async throws -> HTTPResponse {
            let signer = TestOAuth1Signer(
                consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
                token: token, tokenSecret: secret)
            let url = process.baseURL + path
            return try await http.execute(HTTPRequest(url: url, headers: ["Authorization": signer.header(method: "GET", url: url)]))
        }
        #expect(try await get("/2/users/me", as: "700001-token", "secret-1").bodyText.contains(#""id":"700001""#))
        #expect(try await get("/2/users/me", as: "700002-token", "secret-2").bodyText.contains(#""id":"700002""#))
        // Another account's token with this one's secret is refused.
        #expect(try await get("/2/users/me", as: "700002-token", "secret-1").status == 401)

        // Each account's DMs are its own, and so is its budget of DM reads.
        let first = try await get("/2/dm_events?max_results=10", as: "700001-token", "secret-1")
        #expect(first.status == 200 && !first.bodyText.contains("to the second account"))
        #expect(try await get("/2/dm_events?max_results=10", as: "700001-token", "secret-1").status == 200)
        #expect(try await get("/2/dm_events?max_results=10", as: "700001-token", "secret-1").status == 429)
        let second = try await get("/2/dm_events?max_results=10", as: "700002-token", "secret-2")
        #expect(second.status == 200 && second.bodyText.contains("to the second account"))
        #expect(try await process.stop() == .exited(0))
    }

    @Test(arguments: [
        (#"[{"id": "12x", "username": "a"}]"#, "entry 0: id 12x is not 1 to 19 digits"),
        (#"[{"id": "700001"}]"#, "entry 0 has no username"),
        (#"[{"id": "700001", "username": "a"}, {"id": "700001", "username": "b"}]"#, "entry 1: id 700001 is served already"),
        (#"[{"id": "700001", "username": "a", "accessToken": "t"}]"#, "needs both accessToken and accessTokenSecret"),
        (#"{"accounts": 1}"#, "not a JSON array of accounts"),
    ])
    func aBadFileIsRefusedNamingTheEntry(json: String, message: String) throws {
        let url = try file(json)
        defer { try? FileManager.default.removeItem(at: url) }
        let primary = EmulatorAccount(id: "1234", username: "kiamo_support", name: "Kiamo Support", accessToken: "1234-token", accessTokenSecret: "s")
        do {
            _ = try EmulatorAccountsFile.load(contentsOf: url, besides: primary)
            Issue.record("\(json) was accepted")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
            #expect("\(error)".contains(url.path))
        }
    }
}
