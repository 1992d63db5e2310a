import Foundation
import SharedState
import TestSupport
import Testing

@Suite(.scratchDatabases) struct DebugExportTests {
    @Test(arguments: StateBackend.allCases) func theOriginalsResourceFilesAreWrittenWithMaskedTokensAndStableKeys(backend: StateBackend) async throws {
        let fixture = try await StoreFixture(backend)
        let store = fixture.store
        let now = fixture.clock.now()
        let secretAccess = "AAAAAAAAAAAAAAAAAAAAAAAAsecretAccessTokenWXYZ"
        let secretRefresh = "RRRRRRRRRRRRRRRRRRsecretRefreshToken"
        _ = try await store.seedToken(account: "1234", TokenPair(accessToken: secretAccess, refreshToken: secretRefresh, expiresAt: now))
        try await store.addToCache(account: "1234", user: CachedUser(id: "906948460078698496", name: "Jane Doe", username: "janedoe"), at: now)
        try await store.addToCache(account: "1234", conversation: CachedConversation(conversationId: "1234-906948460078698496", participantId: "906948460078698496"), at: now)
        try await store.commitInbound(account: "1234", publishedIds: ["1582838593371127812"], cursor: "1582838593371127812")

        let folder = try TemporaryFolder()
        let written = try await StateDebugExport.write(try await store.debugSnapshot(), connector: "TwitterConnector", to: folder.url.appendingPathComponent("data"))
        #expect(written.map(\.lastPathComponent) == ["TwitterConnector.json", "customers.json", "conversations.json", "cursors.json"])

        let contents = try written.map { try String(contentsOf: $0, encoding: .utf8) }
        for text in contents {
            #expect(!text.contains("secretAccessToken"))
            #expect(!text.contains("secretRefreshToken"))
        }
        let main = try #require(JSONSerialization.jsonObject(with: Data(contents[0].utf8)) as? [String: Any])
        let account = try #require((main["accounts"] as? [String: Any])?["1234"] as? [String: Any])
        let token = try #require(account["token"] as? [String: Any])
        #expect(token["accessToken"] as? String == "****WXYZ")
        #expect(token["refreshToken"] as? String == "****")
        #expect(((account["cache"] as? [String: Any])?["users"] as? [Any])?.count == 1)

        #expect(
            contents[1] == """
                {
                  "1234" : [
                    {
                      "id" : "906948460078698496",
                      "name" : "Jane Doe",
                      "updatedAt" : "2023-11-14T22:13:20Z",
                      "username" : "janedoe"
                    }
                  ]
                }
                """)
        #expect(contents[3].contains("\"lastReadMessageId\" : \"1582838593371127812\""))
        #expect(contents[2].contains("\"participantId\" : \"906948460078698496\""))

        // Rendering twice gives the same bytes (stable order).
        let again = try StateDebugExport.render(try await store.debugSnapshot(), connector: "TwitterConnector")
        #expect(again.map(\.1).dropFirst().map { String(decoding: $0, as: UTF8.self) } == Array(contents.dropFirst()))
    }

    @Test func aConnectorNameThatIsAPathIsRefused() async throws {
        let folder = try TemporaryFolder()
        let snapshot = StateSnapshot(accounts: [], cache: CachePolicy(), takenAt: Date())
        await #expect(throws: StateStoreError.self) {
            try await StateDebugExport.write(snapshot, connector: "../escape", to: folder.url)
        }
    }
}
