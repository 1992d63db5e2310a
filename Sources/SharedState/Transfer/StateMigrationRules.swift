import Foundation

/// The decisions of `state migrate`, apart from the stores: whether it may run, and whether what
/// arrived is what left.
public enum StateMigrationRules {
    /// A lease still held in the source: a worker may be running against it.
    public struct LiveLease: Sendable, Equatable {
        public let account: String
        public let name: String
        public let owner: String
        public let expiresAt: Date
    }

    /// The leases of `tables` that have not expired at `now`: the migration must not run while a
    /// worker may be changing the source (what it wrote after the copy would be lost).
    public static func liveLeases(in tables: [StateTable], at now: Date) -> [LiveLease] {
        guard let leases = tables.first(where: { $0.name == "leases" }) else { return [] }
        return leases.rows.compactMap { row in
            guard row.count == 5, case .text(let account) = row[0], case .text(let name) = row[1],
                case .text(let owner) = row[2], case .integer(let expires) = row[4]
            else { return nil }
            let expiresAt = Date(timeIntervalSince1970: Double(expires) / 1000)
            return expiresAt > now ? LiveLease(account: account, name: name, owner: owner, expiresAt: expiresAt) : nil
        }
    }

    /// The tables whose records differ between what was read from the source and what was read
    /// back from the target (empty when the copy is exact).
    public static func mismatches(source: [StateTable], target: [StateTable]) -> [String] {
        let targetByName = Dictionary(target.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return source.compactMap { table in
            targetByName[table.name] == table ? nil : table.name
        }
    }
}
