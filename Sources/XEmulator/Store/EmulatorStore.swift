import Foundation
import Synchronization

/// The emulator's memory: users, DMs, what the accounts sent, stats, pending faults, OAuth and
/// rate-limit state. The HTTP server and the control API work on it; tests and seeds may call
/// it directly in-process. Every method is safe from any task and returns without waiting.
public final class EmulatorStore: Sendable {
    /// The configuration the store was created with (accounts, credentials, clock).
    public let configuration: EmulatorConfiguration
    private let state: Mutex<EmulatorState>
    /// Sends the pushes (webhook deliveries, stream lines) the DMs created here cause.
    let push: PushHub

    /// A store holding the configured accounts as users, and their initial refresh tokens.
    public init(configuration: EmulatorConfiguration) {
        self.configuration = configuration
        var initial = EmulatorState()
        for account in configuration.accounts {
            try? initial.directory.upsert(EmulatorUser(id: account.id, name: account.name, username: account.username))
        }
        initial.installInitialRefreshTokens(configuration)
        state = Mutex(initial)
        push = PushHub(configuration: configuration)
    }

    /// Runs `body` with the state locked. Keep it short: every request waits on this lock.
    /// The DM events `body` created are rendered for their subscriptions before the lock is
    /// released, and handed to `push` after.
    func withState<T, E: Error>(_ body: (inout EmulatorState) throws(E) -> T) throws(E) -> T {
        let (result, deliveries) = try state.withLock { (state: inout EmulatorState) throws(E) -> (T, [PushDelivery]) in
            let result = try body(&state)
            // The hub's lock under the store's: the hub never takes the store's under its own.
            return (result, state.push.pending.isEmpty ? [] : state.takePushDeliveries(baseURL: push.baseURL))
        }
        if !deliveries.isEmpty { push.dispatch(deliveries) }
        return result
    }

    var nowMilliseconds: Int64 { XTimestamp.milliseconds(configuration.clock.now()) }

    // MARK: Users

    /// Adds a user, or replaces the one with the same id. Refuses a bad id or handle, or a handle
    /// another user holds.
    @discardableResult
    public func addUser(_ user: EmulatorUser) throws(EmulatorStoreError) -> EmulatorUser {
        try state.withLock { (state: inout EmulatorState) throws(EmulatorStoreError) in
            try state.directory.upsert(user)
        }
        return user
    }

    /// Adds a user by name and handle, generating an id when none is given.
    @discardableResult
    public func addUser(id: String? = nil, name: String, username: String) throws(EmulatorStoreError) -> EmulatorUser {
        let now = nowMilliseconds
        return try state.withLock { (state: inout EmulatorState) throws(EmulatorStoreError) -> EmulatorUser in
            let user = EmulatorUser(id: id ?? state.newUserID(nowMilliseconds: now), name: name, username: username)
            try state.directory.upsert(user)
            return user
        }
    }

    /// The user with that id, or `nil`.
    public func user(id: String) -> EmulatorUser? {
        guard let numeric = EmulatorUser.numericID(id) else { return nil }
        return state.withLock { $0.directory.user(numeric) }
    }

    /// The user with that handle (compared case-insensitively), or `nil`.
    public func user(username: String) -> EmulatorUser? {
        state.withLock { $0.directory.user(username: username) }
    }

    /// Every user, by id.
    public var users: [EmulatorUser] { state.withLock { $0.directory.all } }

    // MARK: DMs

    /// Posts a one-to-one DM from `from` to `to` (a customer writing to the account, or the
    /// account writing), created at `createdAt` (default now). An older `createdAt` gives an id
    /// smaller than DMs already listed, yet the DM becomes visible now: X's eventual consistency.
    @discardableResult
    public func postDM(from: String, to: String, text: String, attachments: [DMAttachment] = [], createdAt: Date? = nil) throws(EmulatorStoreError) -> PostedDirectMessage {
        let created = createdAt.map(XTimestamp.milliseconds) ?? nowMilliseconds
        return try withState { (state: inout EmulatorState) throws(EmulatorStoreError) -> PostedDirectMessage in
            let sender = try state.requireUser(from)
            let recipient = try state.requireUser(to)
            let keys = try state.storeMedia(attachments, milliseconds: created)
            let event = try state.postMessage(from: sender, to: recipient, text: text, mediaKeys: keys, createdAt: created)
            return Self.posted(event)
        }
    }

    /// Creates a group conversation of `participants` (user ids); returns its id.
    @discardableResult
    public func createGroup(id: String? = nil, participants: [String]) throws(EmulatorStoreError) -> String {
        let now = nowMilliseconds
        return try state.withLock { (state: inout EmulatorState) throws(EmulatorStoreError) -> String in
            var members: [UInt64] = []
            for participant in participants { members.append(try state.requireUser(participant)) }
            return try state.createGroup(id: id, participants: members, nowMilliseconds: now)
        }
    }

    /// Posts a message into an existing conversation (group or one-to-one) `from` belongs to.
    @discardableResult
    public func postMessage(from: String, conversationID: String, text: String, attachments: [DMAttachment] = [], createdAt: Date? = nil) throws(EmulatorStoreError) -> PostedDirectMessage {
        let created = createdAt.map(XTimestamp.milliseconds) ?? nowMilliseconds
        return try withState { (state: inout EmulatorState) throws(EmulatorStoreError) -> PostedDirectMessage in
            let sender = try state.requireUser(from)
            let keys = try state.storeMedia(attachments, milliseconds: created)
            return Self.posted(try state.postGroupMessage(from: sender, conversation: conversationID, text: text, mediaKeys: keys, createdAt: created))
        }
    }

    /// Posts a `ParticipantsJoin` or `ParticipantsLeave` event (`type` is the X name) to a group.
    @discardableResult
    public func postParticipantsEvent(type: String, conversationID: String, participants: [String], by actor: String? = nil, createdAt: Date? = nil) throws(EmulatorStoreError) -> PostedDirectMessage {
        guard let kind = DMEventKind(rawValue: type), kind != .messageCreate else { throw .invalidEventType(type) }
        let created = createdAt.map(XTimestamp.milliseconds) ?? nowMilliseconds
        return try withState { (state: inout EmulatorState) throws(EmulatorStoreError) -> PostedDirectMessage in
            var members: [UInt64] = []
            for participant in participants { members.append(try state.requireUser(participant)) }
            let sender = try actor.map { (id) throws(EmulatorStoreError) -> UInt64 in try state.requireUser(id) }
            return Self.posted(try state.postParticipants(kind: kind, conversation: conversationID, participants: members, by: sender, createdAt: created))
        }
    }

    /// Creates `count` DMs from `senders` generated customers (`customer1`, `customer2`, ...,
    /// created when missing) round-robin to `to`, all created at `createdAt` (default now) with
    /// consecutive ids.
    @discardableResult
    public func bulk(count: Int, senders: Int, to: String, createdAt: Date? = nil) throws(EmulatorStoreError) -> BulkResult {
        let created = createdAt.map(XTimestamp.milliseconds) ?? nowMilliseconds
        return try state.withLock { (state: inout EmulatorState) throws(EmulatorStoreError) -> BulkResult in
            try state.bulk(count: count, senders: senders, to: try state.requireUser(to), createdAt: created)
        }
    }

    /// The DMs `account` (default: the configured account) sent through the API, oldest first.
    public func sent(account: String? = nil) -> [SentDirectMessage] {
        let account = account ?? configuration.account.id
        return state.withLock { $0.sent.filter { $0.account == account } }
    }

    /// The bytes of the media with id `mediaID` (uploaded through the API, or sent by a
    /// customer), or nil when the emulator holds none: what a test compares with the file a
    /// reply attached.
    public func mediaBytes(mediaID: String) -> Data? {
        state.withLock { state in
            guard let item = state.media.values.first(where: { String($0.mediaID) == mediaID }) else { return nil }
            return Data(item.content.bytes(in: 0..<item.content.count))
        }
    }

    // MARK: Stats, faults, reset

    /// A copy of the request counts since start or the last reset.
    public func stats() -> EmulatorStats {
        state.withLock { $0.stats }
    }

    /// Queues a fault for the next `count` matching API requests (after those queued before).
    public func addFault(_ fault: EmulatorFault) throws(EmulatorStoreError) {
        if let problem = fault.problem { throw .invalidRequest(problem) }
        state.withLock { $0.faults.append(fault) }
    }

    /// Faults still pending, in the order they apply.
    public func faults() -> [EmulatorFault] {
        state.withLock { $0.faults }
    }

    /// Drops the pending faults; requests already waiting out a delay still finish it.
    public func clearFaults() {
        state.withLock { $0.faults = [] }
    }

    /// Clears DMs, sent, stats, faults, nonces and rate-limit windows (see `ResetOptions`).
    public func reset(_ options: ResetOptions = ResetOptions()) {
        state.withLock { $0.reset(options, configuration: configuration) }
        push.reset()
    }

    /// Makes every access token issued so far expire now, as if its lifetime had passed.
    public func expireAccessTokens() {
        let now = configuration.clock.now().timeIntervalSince1970
        state.withLock { state in
            for (token, var grant) in state.auth.accessTokens {
                grant.expiresAt = min(grant.expiresAt, now)
                state.auth.issueAccess(token, grant: grant)
            }
        }
    }

    // MARK: Seeds

    /// Loads users and conversations (see `EmulatorSeed` for the format).
    public func load(seed: EmulatorSeed) throws(EmulatorStoreError) {
        let now = configuration.clock.now()
        let account = configuration.account.id
        for user in seed.users {
            let id = user.id ?? state.withLock { $0.newUserID(nowMilliseconds: XTimestamp.milliseconds(now)) }
            try addUser(
                EmulatorUser(
                    id: id, name: user.name, username: user.username, description: user.description ?? "",
                    location: user.location, url: user.url, protected: user.protected ?? false, verified: user.verified ?? false,
                    acceptsDirectMessages: user.acceptsDirectMessages ?? true))
        }
        for (index, conversation) in seed.conversations.enumerated() {
            func resolve(_ id: String) -> String { id == "account" ? account : id }
            func time(_ message: EmulatorSeed.Message) throws(EmulatorStoreError) -> Date {
                if let text = message.createdAt {
                    guard let ms = XTimestamp.parse(text), XTimestamp.isAcceptable(ms) else { throw .invalidTime(text) }
                    return Date(timeIntervalSince1970: Double(ms) / 1000)
                }
                return now.addingTimeInterval(-(message.minutesAgo ?? 0) * 60)
            }
            if let other = conversation.with {
                for message in conversation.messages {
                    let from = resolve(message.from ?? other)
                    let to = from == account ? resolve(other) : account
                    try postDM(from: from, to: to, text: message.text ?? "", attachments: message.attachments ?? [], createdAt: try time(message))
                }
            } else if let participants = conversation.participants {
                let members = [account] + participants.map(resolve).filter { $0 != account }
                let group = try createGroup(id: conversation.id, participants: members)
                for message in conversation.messages {
                    if let type = message.type, type != DMEventKind.messageCreate.rawValue {
                        try postParticipantsEvent(
                            type: type, conversationID: group, participants: (message.participants ?? []).map(resolve),
                            by: message.from.map(resolve), createdAt: try time(message))
                    } else {
                        try postMessage(
                            from: resolve(message.from ?? members[1 % members.count]), conversationID: group,
                            text: message.text ?? "", attachments: message.attachments ?? [], createdAt: try time(message))
                    }
                }
            } else {
                throw .invalidRequest("conversation \(index) has neither \"with\" nor \"participants\"")
            }
        }
    }

    private static func posted(_ event: DMEvent) -> PostedDirectMessage {
        PostedDirectMessage(
            id: event.idString, conversationID: event.conversationID,
            createdAt: Date(timeIntervalSince1970: Double(event.createdAtMilliseconds) / 1000))
    }
}
