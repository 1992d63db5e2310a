import Foundation
import GRDB

extension SQLiteStateStore {
    public func acquireLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        let now = now()
        let liveness = liveness
        return try await write("acquiring lease \(name) of account \(account)") { db in
            // Before the lease can name this owner, its liveness lock is held: nobody ever finds
            // a holder of a lease "gone" while it lives.
            liveness.markAlive(owner)
            let current = try Self.fetchLease(db, account: account, name: name)
            let gone = current.map { $0.owner != owner && $0.isHeld(at: now) && liveness.isGone($0.owner) } ?? false
            switch LeaseRules.acquire(current, account: account, name: name, owner: owner, ttl: ttl, now: now, holderGone: gone) {
            case .held:
                return nil
            case .grant(let lease):
                return try Self.saveLease(db, lease, replacing: current) ? lease : nil
            }
        }
    }

    public func renewLease(account: String, name: String, owner: String, ttl: Duration) async throws -> Lease? {
        let now = now()
        return try await write("renewing lease \(name) of account \(account)") { db in
            let current = try Self.fetchLease(db, account: account, name: name)
            guard let renewed = LeaseRules.renew(current, owner: owner, ttl: ttl, now: now) else { return nil }
            return try Self.saveLease(db, renewed, replacing: current) ? renewed : nil
        }
    }

    public func releaseLease(account: String, name: String, owner: String) async throws -> Bool {
        try await write("releasing lease \(name) of account \(account)") { db in
            try db.cachedStatement(sql: "DELETE FROM leases WHERE account = ? AND name = ? AND owner = ?").execute(arguments: [account, name, owner])
            return db.changesCount == 1
        }
    }

    public func leaseHolder(account: String, name: String) async throws -> Lease? {
        let now = now()
        return try await read("reading lease \(name) of account \(account)") { db in
            try Self.fetchLease(db, account: account, name: name).flatMap { $0.isHeld(at: now) ? $0 : nil }
        }
    }

    public func leasesHeldByOthers(name: String, owner: String) async throws -> Set<String> {
        let now = SQLiteTime.millis(now())
        let liveness = liveness
        return try await read("reading the holders of lease \(name)") { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT account, owner FROM leases WHERE name = ? AND owner <> ? AND expires_at > ?"), arguments: [name, owner, now])
            // A holder known gone is not a holder (`acquireLease` takes its lease): asked once per
            // owner, leaving its lock file for that acquisition to find.
            var gone: [String: Bool] = [:]
            var held = Set<String>()
            for row in rows {
                let holder: String = row["owner"]
                if gone[holder] == nil { gone[holder] = liveness.isGone(holder, forgetting: false) }
                if gone[holder] == false { held.insert(row["account"]) }
            }
            return held
        }
    }

    static func fetchLease(_ db: Database, account: String, name: String) throws -> Lease? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT owner, acquired_at, expires_at FROM leases WHERE account = ? AND name = ?"), arguments: [account, name]
        ).map { row in
            Lease(
                account: account, name: name, owner: row["owner"],
                acquiredAt: SQLiteTime.date(row["acquired_at"] as Int64),
                expiresAt: SQLiteTime.date(row["expires_at"] as Int64)
            )
        }
    }

    /// Compare-and-set: writes `lease` only if the row is still `current` as read (nil: absent).
    private static func saveLease(_ db: Database, _ lease: Lease, replacing current: Lease?) throws -> Bool {
        let values: StatementArguments = [
            lease.account, lease.name, lease.owner, SQLiteTime.millis(lease.acquiredAt), SQLiteTime.millis(lease.expiresAt),
        ]
        if let current {
            try db.cachedStatement(
                sql: """
                    UPDATE leases SET owner = ?3, acquired_at = ?4, expires_at = ?5
                    WHERE account = ?1 AND name = ?2 AND owner = ?6 AND expires_at = ?7
                    """
            ).execute(arguments: values + [current.owner, SQLiteTime.millis(current.expiresAt)])
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO leases (account, name, owner, acquired_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
                    ON CONFLICT (account, name) DO NOTHING
                    """
            ).execute(arguments: values)
        }
        return db.changesCount == 1
    }
}
