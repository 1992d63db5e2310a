import Foundation
import PostgresNIO

extension PostgresStateStore {
    public func storedToken(account: String) async throws -> StoredToken? {
        let logger = logger
        return try await perform("reading the token of account \(account)") { connection in
            try await Self.fetchToken(connection, account: account, logger: logger)
        }
    }

    public func storeToken(account: String, _ token: TokenPair, ifVersion expectedVersion: Int64?) async throws -> TokenWrite {
        let now = nowParameter
        let logger = logger
        let record = TokenRecord(token)
        return try await perform("storing the token of account \(account)") { connection in
            let returned: PostgresRowSequence
            if let expectedVersion {
                returned = try await connection.query(
                    """
                    UPDATE tokens SET access_token = \(record.accessToken), refresh_token = \(record.refreshToken),
                                      expires_at = \(record.expiresAt), scope = \(record.scope), version = \(expectedVersion + 1),
                                      updated_at = coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis))
                    WHERE account = \(account) AND version = \(expectedVersion)
                    RETURNING \(unescaped: Self.tokenColumns)
                    """, logger: logger)
            } else {
                returned = try await connection.query(
                    """
                    INSERT INTO tokens (account, access_token, refresh_token, expires_at, scope, version, updated_at)
                    VALUES (\(account), \(record.accessToken), \(record.refreshToken), \(record.expiresAt), \(record.scope), 1,
                            coalesce(\(now)::bigint, \(unescaped: PostgresTime.serverMillis)))
                    ON CONFLICT (account) DO NOTHING
                    RETURNING \(unescaped: Self.tokenColumns)
                    """, logger: logger)
            }
            if let row = try await returned.rows().first {
                return .stored(try Self.token(row, account: account))
            }
            return .conflict(current: try await Self.fetchToken(connection, account: account, logger: logger))
        }
    }

    static let tokenColumns = "access_token, refresh_token, expires_at, scope, version, updated_at"

    static func fetchToken(_ connection: PostgresConnection, account: String, logger: Logger) async throws -> StoredToken? {
        try await connection.query("SELECT \(unescaped: tokenColumns) FROM tokens WHERE account = \(account)", logger: logger)
            .rows().first.map { try token($0, account: account) }
    }

    /// The only place the PostgreSQL backend builds an XAPI token (with `TokenRecord`).
    static func token(_ row: PostgresRandomAccessRow, account: String) throws -> StoredToken {
        let token = TokenPair(
            accessToken: try row.value("access_token"),
            refreshToken: try row.value("refresh_token", as: String?.self),
            expiresAt: PostgresTime.date(try row.value("expires_at", as: Int64.self)),
            scope: try row.value("scope", as: String?.self)
        )
        return StoredToken(
            account: account, token: token, version: try row.value("version"),
            updatedAt: PostgresTime.date(try row.value("updated_at", as: Int64.self)))
    }

    /// The columns of a token pair as stored.
    struct TokenRecord: Sendable {
        var accessToken: String
        var refreshToken: String?
        var expiresAt: Int64
        var scope: String?

        init(_ token: TokenPair) {
            accessToken = token.accessToken
            refreshToken = token.refreshToken
            expiresAt = PostgresTime.millis(token.expiresAt)
            scope = token.scope
        }
    }
}
