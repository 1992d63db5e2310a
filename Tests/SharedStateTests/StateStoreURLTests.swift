import Foundation
import SharedState
import Testing

@Suite struct StateStoreURLTests {
    @Test func anAbsoluteSQLitePathIsAcceptedWithNormalSynchronousByDefault() throws {
        let url = try StateStoreURL(parsing: "sqlite:///var/lib/kiamo-twitter/state.db")
        #expect(url == .sqlite(SQLiteLocation(path: "/var/lib/kiamo-twitter/state.db")))
    }

    @Test func queryParametersChooseSynchronousAndBusyTimeout() throws {
        let url = try StateStoreURL(parsing: "sqlite:///data/my%20state.db?synchronous=full&busy_timeout_ms=250")
        #expect(url == .sqlite(SQLiteLocation(path: "/data/my state.db", synchronous: .full, busyTimeout: .milliseconds(250))))
    }

    @Test(arguments: [
        ("sqlite://state.db", "absolute"),
        ("sqlite:state.db", "absolute"),
        ("sqlite:///", "no file path"),
        ("sqlite:///data/", "names a folder"),
        ("sqlite:///data/state.db?synchronous=off", "normal or full"),
        ("sqlite:///data/state.db?busy_timeout_ms=-1", "positive"),
        ("sqlite:///data/state.db?cache=shared", "unknown parameter 'cache'"),
        ("mysql://host/db", "unknown scheme"),
    ])
    func malformedURLsAreRefusedSayingWhatIsWrong(url: String, expected: String) {
        #expect {
            try StateStoreURL(parsing: url)
        } throws: { error in
            guard case .invalidURL(_, let reason) = error as? StateStoreError else { return false }
            return reason.contains(expected)
        }
    }
}
