import Foundation

/// The seed file `x-emulator --seed FILE` loads: demo users and conversations (JSON).
///
/// ```json
/// {
///   "users": [
///     {"id": "906948460078698496", "name": "Jane Doe", "username": "janedoe"},
///     {"id": "906948460078698497", "name": "Bob", "username": "bob", "acceptsDirectMessages": false}
///   ],
///   "conversations": [
///     {"with": "906948460078698496", "messages": [
///       {"text": "Hello, my order is late", "minutesAgo": 30},
///       {"from": "account", "text": "Sorry Jane, looking into it", "minutesAgo": 25},
///       {"text": "Here is the receipt", "attachments": [{"type": "photo"}], "createdAt": "2026-07-01T10:00:00Z"}
///     ]},
///     {"participants": ["906948460078698496", "906948460078698497"], "messages": [
///       {"type": "ParticipantsJoin", "participants": ["906948460078698497"], "minutesAgo": 10},
///       {"from": "906948460078698497", "text": "Hi all", "minutesAgo": 9}
///     ]}
///   ]
/// }
/// ```
///
/// - `users`: `id` (digits; generated when absent), `name`, `username`, and optionally
///   `description`, `location`, `url`, `protected`, `verified`, `acceptsDirectMessages`.
/// - `conversations`: one-to-one with `with` (the other participant; the account is the first),
///   or a group with `participants` (the account is added) and an optional `id`.
/// - `messages` in any order (ids follow their times): `from` is a user id or `"account"`; by
///   default the customer (`with`) in a one-to-one and the first participant in a group. `text`
///   and/or `attachments` (`type` photo|video|animated_gif, `url`, `width`, `height`, `altText`).
///   The time is `createdAt` (ISO 8601) or `minutesAgo`; by default now. Group events may instead
///   have `type` `ParticipantsJoin` / `ParticipantsLeave` with `participants`.
public struct EmulatorSeed: Sendable, Codable, Equatable {
    public struct User: Sendable, Codable, Equatable {
        public var id: String?
        public var name: String
        public var username: String
        public var description: String?
        public var location: String?
        public var url: String?
        public var protected: Bool?
        public var verified: Bool?
        public var acceptsDirectMessages: Bool?

        public init(id: String? = nil, name: String, username: String) {
            self.id = id
            self.name = name
            self.username = username
        }
    }

    public struct Message: Sendable, Codable, Equatable {
        public var type: String?
        public var from: String?
        public var text: String?
        public var attachments: [DMAttachment]?
        public var participants: [String]?
        public var createdAt: String?
        public var minutesAgo: Double?

        public init(from: String? = nil, text: String?, minutesAgo: Double? = nil) {
            self.from = from
            self.text = text
            self.minutesAgo = minutesAgo
        }
    }

    public struct Conversation: Sendable, Codable, Equatable {
        public var with: String?
        public var participants: [String]?
        public var id: String?
        public var messages: [Message]

        public init(with: String, messages: [Message]) {
            self.with = with
            self.messages = messages
        }
    }

    public var users: [User]
    public var conversations: [Conversation]

    public init(users: [User] = [], conversations: [Conversation] = []) {
        self.users = users
        self.conversations = conversations
    }

    enum CodingKeys: String, CodingKey {
        case users, conversations
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        users = try container.decodeIfPresent([User].self, forKey: .users) ?? []
        conversations = try container.decodeIfPresent([Conversation].self, forKey: .conversations) ?? []
    }

    /// Reads a seed file; the error names the file and what is wrong in it.
    public static func load(contentsOf url: URL) throws -> EmulatorSeed {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EmulatorStoreError.invalidRequest("cannot read seed file \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(EmulatorSeed.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw EmulatorStoreError.invalidRequest("seed file \(url.path): \(Self.path(context.codingPath + [key])) is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw EmulatorStoreError.invalidRequest("seed file \(url.path): \(Self.path(context.codingPath)) has the wrong type")
        } catch {
            throw EmulatorStoreError.invalidRequest("seed file \(url.path) is not valid JSON: \(error.localizedDescription)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
