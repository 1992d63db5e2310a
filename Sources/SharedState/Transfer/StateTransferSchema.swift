/// The logical tables a state store holds, backend-neutral: what `state migrate` copies.
///
/// The names and columns are SQLite's schema version 6 (`SQLiteSchema`); another backend maps its
/// own tables to them. Times are integer milliseconds since 1970. The store-wide ticket counter of
/// the recipient lines (`recipient_line_tickets`) is not copied: the target keeps its own counter
/// and moves it past every ticket it receives, which is all tickets need (they only order).
public enum StateTransferSchema {
    /// One table: its name, its columns in transfer order, and how many leading columns are its key.
    public struct Table: Sendable {
        public let name: String
        public let columns: [String]
        public let keyColumns: Int
    }

    /// Every table, in an order that an import can follow.
    public static let tables: [Table] = [
        Table(name: "tokens", columns: ["account", "access_token", "refresh_token", "expires_at", "scope", "version", "updated_at"], keyColumns: 1),
        Table(name: "leases", columns: ["account", "name", "owner", "acquired_at", "expires_at"], keyColumns: 2),
        Table(name: "cache_users", columns: ["account", "user_id", "name", "username", "updated_at"], keyColumns: 2),
        Table(name: "cache_conversations", columns: ["account", "conversation_id", "participant_id", "updated_at"], keyColumns: 2),
        Table(name: "cache_cleanings", columns: ["account", "cleaned_at"], keyColumns: 1),
        Table(name: "cursors", columns: ["account", "last_read_id", "updated_at"], keyColumns: 1),
        Table(name: "inbound_ledger", columns: ["account", "event_id", "published_at"], keyColumns: 2),
        Table(
            name: "send_ledger",
            columns: [
                "account", "key", "state", "owner", "since", "dm_event_id", "conversation_id", "reason", "finished_at",
                "attempts", "revision", "created_at", "updated_at", "unverified_since", "reported_at", "media_id",
                "media_uploaded_at",
            ], keyColumns: 2),
        Table(name: "send_deliveries", columns: ["account", "command_id", "unsettled", "updated_at"], keyColumns: 2),
        Table(
            name: "recipient_lines",
            columns: [
                "account", "recipient", "position", "command_id", "tier_ms", "parked_at", "parked_ticket",
                "admitted_ticket", "admitted_at", "expires_at",
            ], keyColumns: 3),
        Table(name: "rate_limits", columns: ["account", "endpoint", "call_limit", "remaining", "reset_at", "rejected_until", "last_granted_at"], keyColumns: 2),
    ]

    /// The table named `name`, or nil.
    public static func table(_ name: String) -> Table? {
        tables.first { $0.name == name }
    }
}
