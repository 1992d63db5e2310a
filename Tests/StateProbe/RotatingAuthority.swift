import Foundation
import GRDB
import XAPI

/// A tiny stand-in for X's OAuth 2.0 token endpoint, shared by every probe through a SQLite file
/// of its own: like X, it accepts only the latest refresh token, rotates it on every refresh
/// (the old one is dead at once), and issues access tokens that expire after `lifetime`. It counts
/// refreshes and refusals so the test can check single-flight from the outside.
struct RotatingAuthority: Sendable {
    /// X's answer to a dead refresh token.
    struct InvalidGrant: Error, CustomStringConvertible {
        var description: String { "invalid_grant: the refresh token was already used" }
    }

    private let queue: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.journalMode = .wal
        queue = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Creates the authority with one live refresh token.
    static func initialise(_ arguments: ProbeArguments) async throws {
        let authority = try RotatingAuthority(path: try arguments.string("authority"))
        let lifetime = try arguments.int("lifetime-ms")
        let refreshToken = try arguments.string("refresh-token")
        try await authority.queue.write { db in
            try db.execute(sql: """
                CREATE TABLE grant_state (id INTEGER PRIMARY KEY CHECK (id = 1), refresh_token TEXT NOT NULL,
                                          generation INTEGER NOT NULL, lifetime_ms INTEGER NOT NULL,
                                          refreshes INTEGER NOT NULL, refusals INTEGER NOT NULL);
                CREATE TABLE access_tokens (token TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
                """)
            try db.execute(
                sql: "INSERT INTO grant_state VALUES (1, ?, 0, ?, 0, 0)",
                arguments: [refreshToken, lifetime]
            )
        }
        ProbeOutput.line("initialised")
    }

    static func printStatistics(_ arguments: ProbeArguments) async throws {
        let authority = try RotatingAuthority(path: try arguments.string("authority"))
        let counts: [Int]? = try await authority.queue.read { db in
            try Row.fetchOne(db, sql: "SELECT refreshes, refusals, generation FROM grant_state").map {
                [$0["refreshes"], $0["refusals"], $0["generation"]]
            }
        }
        guard let counts else { throw ProbeArguments.Invalid(reason: "the authority is not initialised") }
        ProbeOutput.json(["refreshes": counts[0], "refusals": counts[1], "generation": counts[2]])
    }

    /// Rotates the pair if `token`'s refresh token is the live one; otherwise counts a refusal
    /// and throws `InvalidGrant`.
    func refresh(_ token: OAuth2Token) async throws -> OAuth2Token {
        let now = Date()
        let issued: OAuth2Token? = try await queue.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT refresh_token, generation, lifetime_ms FROM grant_state") else {
                return nil
            }
            guard token.refreshToken == (row["refresh_token"] as String) else {
                try db.execute(sql: "UPDATE grant_state SET refusals = refusals + 1")
                return nil
            }
            let generation = (row["generation"] as Int) + 1
            let lifetime = Double(row["lifetime_ms"] as Int) / 1000
            let suffix = UUID().uuidString.prefix(8)
            let fresh = OAuth2Token(
                accessToken: "access-\(generation)-\(suffix)",
                refreshToken: "refresh-\(generation)-\(suffix)",
                expiresAt: now.addingTimeInterval(lifetime)
            )
            try db.execute(
                sql: "UPDATE grant_state SET refresh_token = ?, generation = ?, refreshes = refreshes + 1",
                arguments: [fresh.refreshToken, generation]
            )
            try db.execute(
                sql: "INSERT INTO access_tokens VALUES (?, ?)",
                arguments: [fresh.accessToken, Int64(fresh.expiresAt.timeIntervalSince1970 * 1000)]
            )
            return fresh
        }
        guard let issued else { throw InvalidGrant() }
        return issued
    }

    /// True when `accessToken` was issued and has not expired (X would answer 401 otherwise).
    func accepts(_ accessToken: String) async throws -> Bool {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try await queue.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM access_tokens WHERE token = ? AND expires_at > ?", arguments: [accessToken, now]
            ) ?? false
        }
    }
}
