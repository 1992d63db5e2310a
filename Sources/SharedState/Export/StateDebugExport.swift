import Foundation

/// Writes the original connector's resource files from a `StateSnapshot`, for debugging only
/// (the state store stays the truth):
///
/// - `<connector>.json`: per account, the token (masked) and the cache, plus the cache settings;
/// - `customers.json`: per account, the cached users (id, name, username);
/// - `conversations.json`: per account, the cached conversations (id, participant);
/// - `cursors.json`: per account, `lastReadMessageId` (the inbound cursor).
///
/// Pretty-printed JSON with sorted keys and ISO 8601 dates, so two exports diff cleanly.
public enum StateDebugExport {
    /// The file names written for `connector`, in the order `write` writes them.
    public static func fileNames(connector: String) -> [String] {
        ["\(connector).json", "customers.json", "conversations.json", "cursors.json"]
    }

    /// Writes the four files into `folder` (created 0700 if missing), replacing earlier ones
    /// atomically, each 0600 (they name customers and conversations); returns their URLs. `connector` must be a plain file name.
    @discardableResult
    public static func write(_ snapshot: StateSnapshot, connector: String, to folder: URL) async throws -> [URL] {
        guard !connector.isEmpty, !connector.contains("/"), connector != ".", connector != ".." else {
            throw StateStoreError.exportFailed(path: folder.path, reason: "connector name '\(connector)' is not a plain file name")
        }
        let files = try render(snapshot, connector: connector)
        return try await BlockingIO.run {
            do {
                try PrivateFiles.createFolder(folder.path)
            } catch let error as PrivateFiles.Failure {
                throw StateStoreError.exportFailed(path: error.path, reason: error.reason)
            }
            var written: [URL] = []
            for (name, data) in files {
                let url = folder.appendingPathComponent(name)
                do {
                    try PrivateFiles.write(data, to: url)
                } catch let error as PrivateFiles.Failure {
                    throw StateStoreError.exportFailed(path: error.path, reason: error.reason)
                }
                written.append(url)
            }
            return written
        }
    }

    /// The four files' names and contents (pure: tested without a disk).
    public static func render(_ snapshot: StateSnapshot, connector: String) throws -> [(String, Data)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601

        var main: [String: ConnectorAccount] = [:]
        var customers: [String: [UserRecord]] = [:]
        var conversations: [String: [ConversationRecord]] = [:]
        var cursors: [String: CursorRecord] = [:]
        for account in snapshot.accounts {
            let users = account.users.sorted { $0.record.id < $1.record.id }.map(UserRecord.init)
            let talks = account.conversations.sorted { $0.record.conversationId < $1.record.conversationId }.map(ConversationRecord.init)
            main[account.account] = ConnectorAccount(token: account.token, cache: CacheContent(users: users, conversations: talks))
            customers[account.account] = users
            conversations[account.account] = talks
            cursors[account.account] = CursorRecord(lastReadMessageId: account.cursor, updatedAt: account.cursorUpdatedAt)
        }
        let names = fileNames(connector: connector)
        return [
            (names[0], try encoder.encode(ConnectorFile(accounts: main, cache: snapshot.cache, exportedAt: snapshot.takenAt))),
            (names[1], try encoder.encode(customers)),
            (names[2], try encoder.encode(conversations)),
            (names[3], try encoder.encode(cursors)),
        ]
    }

    private struct ConnectorFile: Encodable {
        var accounts: [String: ConnectorAccount]
        var cache: CachePolicy
        var exportedAt: Date
    }

    private struct ConnectorAccount: Encodable {
        var token: TokenSummary?
        var cache: CacheContent
    }

    private struct CacheContent: Encodable {
        var users: [UserRecord]
        var conversations: [ConversationRecord]
    }

    private struct UserRecord: Encodable {
        var id: String
        var name: String
        var username: String
        var updatedAt: Date
        init(_ entry: CacheEntry<CachedUser>) {
            id = entry.record.id
            name = entry.record.name
            username = entry.record.username
            updatedAt = entry.updatedAt
        }
    }

    private struct ConversationRecord: Encodable {
        var conversationId: String
        var participantId: String
        var updatedAt: Date
        init(_ entry: CacheEntry<CachedConversation>) {
            conversationId = entry.record.conversationId
            participantId = entry.record.participantId
            updatedAt = entry.updatedAt
        }
    }

    private struct CursorRecord: Encodable {
        var lastReadMessageId: String?
        var updatedAt: Date?
    }
}
