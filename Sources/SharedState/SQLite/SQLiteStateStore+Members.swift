import Foundation
import GRDB

extension SQLiteStateStore {
    public func announceMember(owner: String, role: String, ttl: Duration) async throws {
        let now = SQLiteTime.millis(now())
        let expiresAt = now + Int64((ttl.seconds * 1000).rounded())
        try await write("announcing member \(owner) of \(role)") { db in
            // Members that expired long ago (a process killed, never withdrawn) are swept here:
            // a day after expiry, so the table holds the dead only as long as an operator may look.
            try db.cachedStatement(sql: "DELETE FROM members WHERE role = ? AND expires_at < ?").execute(arguments: [role, now - 86_400_000])
            try db.cachedStatement(
                sql: """
                    INSERT INTO members (role, owner, announced_at, expires_at) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT (role, owner) DO UPDATE SET expires_at = max(members.expires_at, excluded.expires_at)
                    """
            ).execute(arguments: [role, owner, now, expiresAt])
        }
    }

    @discardableResult
    public func withdrawMember(owner: String, role: String) async throws -> Bool {
        try await write("withdrawing member \(owner) of \(role)") { db in
            try db.cachedStatement(sql: "DELETE FROM members WHERE role = ? AND owner = ?").execute(arguments: [role, owner])
            return db.changesCount == 1
        }
    }

    public func liveMembers(role: String) async throws -> [String] {
        let now = SQLiteTime.millis(now())
        return try await read("reading the live members of \(role)") { db in
            try String.fetchAll(
                db.cachedStatement(sql: "SELECT owner FROM members WHERE role = ? AND expires_at > ? ORDER BY owner"), arguments: [role, now])
        }
    }
}
