import Foundation
import GRDB

extension SQLiteStateStore {
    public func storedToken(account: String) async throws -> StoredToken? {
        try await read("reading the token of account \(account)") { db in
            try Self.fetchToken(db, account: account)
        }
    }

    public func storeToken(account: String, _ token: TokenPair, ifVersion expectedVersion: Int64?) async throws -> TokenWrite {
        let now = SQLiteTime.millis(now())
        return try await write("storing the token of account \(account)") { db in
            let current = try Self.fetchToken(db, account: account)
            guard current?.version == expectedVersion else { return .conflict(current: current) }
            let version = (expectedVersion ?? 0) + 1
            let arguments: StatementArguments = [
                account, token.accessToken, token.refreshToken, SQLiteTime.millis(token.expiresAt), token.scope, version, now,
            ]
            if let expectedVersion {
                try db.cachedStatement(
                    sql: """
                        UPDATE tokens SET access_token = ?2, refresh_token = ?3, expires_at = ?4, scope = ?5,
                                          version = ?6, updated_at = ?7
                        WHERE account = ?1 AND version = ?8
                        """
                ).execute(arguments: arguments + [expectedVersion])
            } else {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO tokens (account, access_token, refresh_token, expires_at, scope, version, updated_at)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (account) DO NOTHING
                        """
                ).execute(arguments: arguments)
            }
            guard db.changesCount == 1, let stored = try Self.fetchToken(db, account: account) else {
                return .conflict(current: try Self.fetchToken(db, account: account))
            }
            return .stored(stored)
        }
    }

    static func fetchToken(_ db: Database, account: String) throws -> StoredToken? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT access_token, refresh_token, expires_at, scope, version, updated_at FROM tokens WHERE account = ?"), arguments: [account])
        else { return nil }
        let token = TokenPair(
            accessToken: row["access_token"],
            refreshToken: row["refresh_token"],
            expiresAt: SQLiteTime.date(row["expires_at"] as Int64),
            scope: row["scope"]
        )
        return StoredToken(account: account, token: token, version: row["version"], updatedAt: SQLiteTime.date(row["updated_at"] as Int64))
    }
}
