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
///   and/or `attachments` (`type` photo|video|animated_gif, `data` base64 bytes or `bytes` a size to
///   generate, `contentType`, `url`, `width`, `height`, `altText`; see `DMAttachment`).
///   The time is `createdAt` (ISO 8601) or `minutesAgo`; by default now. Group events may instead
///   have `type` `ParticipantsJoin` / `ParticipantsLeave` with `participants`.
public struct EmulatorSeed: Sendable, Codable, Equatable {
    /// A user of the seed; only `name` and `username` are required.
    public struct User: Sendable, Codable, Equatable {
        /// A group's id (15 to 19 digits); generated when absent.
        public var id: String?
        /// Display name.
        public var name: String
        /// Handle without `@`.
        public var username: String
        /// Profile description.
        public var description: String?
        /// Profile location.
        public var location: String?
        /// Profile URL.
        public var url: String?
        /// Whether the account is protected (default false).
        public var protected: Bool?
        /// Whether the account is verified (default false).
        public var verified: Bool?
        /// Whether the user accepts DMs from the account (default true).
        public var acceptsDirectMessages: Bool?

        /// A user with a name and handle.
        public init(id: String? = nil, name: String, username: String) {
            self.id = id
            self.name = name
            self.username = username
        }
    }

    /// One event of a seeded conversation: a message, or a group join/leave.
    public struct Message: Sendable, Codable, Equatable {
        /// `MessageCreate` (default), `ParticipantsJoin` or `ParticipantsLeave`.
        public var type: String?
        /// Author: a user id or `"account"`.
        public var from: String?
        /// Text of a message.
        public var text: String?
        /// Media of a message (at most one).
        public var attachments: [DMAttachment]?
        /// Who joins or leaves (join/leave events).
        public var participants: [String]?
        /// ISO 8601 creation time.
        public var createdAt: String?
        /// Creation time relative to start-up, when `createdAt` is absent.
        public var minutesAgo: Double?

        /// A message.
        public init(from: String? = nil, text: String?, minutesAgo: Double? = nil) {
            self.from = from
            self.text = text
            self.minutesAgo = minutesAgo
        }
    }

    /// A one-to-one conversation (`with`) or a group (`participants`).
    public struct Conversation: Sendable, Codable, Equatable {
        /// The other participant of a one-to-one conversation with the account.
        public var with: String?
        /// Who joins or leaves (join/leave events).
        public var participants: [String]?
        /// A group's id (15 to 19 digits); generated when absent.
        public var id: String?
        /// Its events, in any order (ids follow their times).
        public var messages: [Message]

        /// A one-to-one conversation of the account with `with`.
        public init(with: String, messages: [Message]) {
            self.with = with
            self.messages = messages
        }
    }

    /// Users to add (the configured accounts exist already).
    public var users: [User]
    /// Conversations to post.
    public var conversations: [Conversation]

    /// A seed of users and conversations.
    public init(users: [User] = [], conversations: [Conversation] = []) {
        self.users = users
        self.conversations = conversations
    }

    enum CodingKeys: String, CodingKey {
        case users, conversations
    }

    /// Decodes a seed file; both lists are optional.
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
