import AMQP
import Foundation
import Logging
import SharedState
import Synchronization
import TestSupport
import XAPI

@testable import KiamoTwitter

/// An X client for the dispatcher's tests: posts succeed with increasing event ids unless a
/// failure was scripted, and every post is remembered, so the conversation it lists holds them.
final class FakeDMClient: XDirectMessageClient {
    struct Post: Sendable, Equatable {
        var recipient: String
        var text: String
        var dmEventId: String
        var createdAt: Date
        var mediaIds: [String] = []
    }

    private struct State {
        var failures: [XAPIError] = []
        /// Fail once this many more posts went through.
        var failAfter: (posts: Int, error: XAPIError)?
        var sendCalls = 0
        /// Posts that X "received" but whose answer is lost: the DM exists, the call throws.
        var lostAnswers: [XAPIError] = []
        var posts: [Post] = []
        var conversationReads = 0
        var readFailures: [XAPIError] = []
        var nextId: UInt64 = 1_900_000_000_000_000_000
        var uploads = 0
        var nextMediaId: UInt64 = 1_880_000_000_000_000_000
    }

    let account: String
    private let state = Mutex(State())
    let clock: @Sendable () -> Date

    /// X's clock is the fake's own.
    func serverNow() -> Date { clock() }

    init(account: String = "1234", clock: @escaping @Sendable () -> Date = { Date() }) {
        self.account = account
        self.clock = clock
    }

    var apiVersion: XAPIVersion { .v2 }

    /// The next posts fail with these errors, in order, without posting.
    func fail(_ errors: XAPIError...) { state.withLock { $0.failures += errors } }
    /// The next post is made but its answer lost with `error`.
    func loseAnswer(_ error: XAPIError) { state.withLock { $0.lostAnswers.append(error) } }
    /// After `posts` more successful posts, the next one fails with `error`.
    func failAfter(posts: Int, _ error: XAPIError) { state.withLock { $0.failAfter = (posts, error) } }
    /// The next conversation reads fail with these errors, in order.
    func failReads(_ errors: XAPIError...) { state.withLock { $0.readFailures += errors } }
    var posts: [Post] { state.withLock { $0.posts } }
    var sendCalls: Int { state.withLock { $0.sendCalls } }
    var conversationReads: Int { state.withLock { $0.conversationReads } }
    var uploads: Int { state.withLock { $0.uploads } }

    func sendDM(to participantId: String, text: String) async throws -> SentDM {
        try await sendDM(to: participantId, text: text, mediaIds: [])
    }

    func sendDM(to participantId: String, text: String, mediaIds: [String]) async throws -> SentDM {
        let now = clock()
        let outcome = state.withLock { state -> Result<SentDM, XAPIError> in
            state.sendCalls += 1
            if !state.failures.isEmpty { return .failure(state.failures.removeFirst()) }
            if let (remaining, error) = state.failAfter {
                if remaining == 0 {
                    state.failAfter = nil
                    return .failure(error)
                }
                state.failAfter = (remaining - 1, error)
            }
            state.nextId += 1
            let id = String(state.nextId)
            state.posts.append(Post(recipient: participantId, text: text, dmEventId: id, createdAt: now, mediaIds: mediaIds))
            if !state.lostAnswers.isEmpty { return .failure(state.lostAnswers.removeFirst()) }
            return .success(SentDM(dmEventId: id, conversationId: DMEvent.oneToOneConversationId(account, participantId), rateLimit: nil))
        }
        return try outcome.get()
    }

    func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        let events = try state.withLock { state -> [DMEvent] in
            state.conversationReads += 1
            if !state.readFailures.isEmpty { throw state.readFailures.removeFirst() }
            return state.posts.filter { $0.recipient == participantId }.reversed().map {
                DMEvent(
                    id: $0.dmEventId, text: $0.text, createdAt: $0.createdAt, senderId: account,
                    conversationId: DMEvent.oneToOneConversationId(account, participantId), mediaKeys: $0.mediaIds.map { "3_\($0)" })
            }
        }
        return DMEventPage(events: events, nextToken: nil, rateLimit: nil)
    }

    func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        DMEventPage(events: [], nextToken: nil, rateLimit: nil)
    }

    func me() async throws -> XResponse<XUser> {
        XResponse(value: XUser(id: account, name: "Support", username: "support"), rateLimit: nil)
    }

    func user(id: String) async throws -> XResponse<XUser> {
        XResponse(value: XUser(id: id, name: "User \(id)", username: "u\(id)"), rateLimit: nil)
    }

    func users(ids: [String]) async throws -> XResponse<[XUser]> {
        XResponse(value: ids.map { XUser(id: $0, name: "User \($0)", username: "u\($0)") }, rateLimit: nil)
    }

    func user(username: String) async throws -> XResponse<XUser> {
        XResponse(value: XUser(id: "1", name: username, username: username), rateLimit: nil)
    }
}

extension FakeDMClient: XMediaUploading {
    /// Every upload succeeds with a new media id.
    func uploadMedia(_ bytes: Data, mediaType: String, category: XMediaCategory, processingTimeout: Duration) async throws -> XUploadedMedia {
        state.withLock { state in
            state.uploads += 1
            state.nextMediaId += 1
            return XUploadedMedia(mediaId: String(state.nextMediaId), mediaKey: "3_\(state.nextMediaId)", expiresAfterSeconds: 86_400)
        }
    }
}

/// Attachments read as a small PNG, whatever they name.
struct FakeReplyMedia: ReplyMediaFetching {
    func load(_ attachment: ReplyAttachment) async throws(ReplyMediaError) -> LoadedReplyMedia {
        LoadedReplyMedia(bytes: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]), mediaType: "image/png", category: .dmImage)
    }
}

/// A publisher that confirms (or fails) everything and remembers what it was given.
final class FakePublisher: ConfirmedPublisher {
    private let state = Mutex<(messages: [AMQPMessage], failNext: Int)>(([], 0))

    /// The next `count` publishes fail as unconfirmed.
    func failNext(_ count: Int) { state.withLock { $0.failNext = count } }
    var messages: [AMQPMessage] { state.withLock { $0.messages } }

    func publish(_ messages: [AMQPMessage]) async -> [Result<Void, AMQPError>] {
        state.withLock { state in
            messages.map { message in
                if state.failNext > 0 {
                    state.failNext -= 1
                    return .failure(AMQPError.nacked(exchange: message.exchange, routingKey: message.routingKey))
                }
                state.messages.append(message)
                return .success(())
            }
        }
    }

    func reports() throws -> [DeliveryReport] {
        try messages.filter { $0.properties.type == "kiamo.report" }.map { try KiamoJSON.decode(DeliveryReport.self, from: $0.body) }
    }

    func deadLetters(exchange: String) -> [AMQPMessage] { messages.filter { $0.exchange == exchange } }
}

/// A dispatcher over a fresh SQLite state file, a fake X client and a fake publisher.
struct DispatchRig {
    static let account = "1234"
    let topology = Topology(exchange: "kiamo.test", retryDelays: [.seconds(1), .seconds(10), .seconds(60), .seconds(600)])
    let clock = TestClock(Date(timeIntervalSince1970: 1_750_000_000))
    let client: FakeDMClient
    let publisher = FakePublisher()
    let state: any StateStore
    let dispatcher: CommandDispatcher

    init(maxAttempts: Int = 3, splitLongMessages: Bool = false, owner: String = "worker-a", store: (any StateStore)? = nil) async throws {
        let clock = self.clock
        client = FakeDMClient(account: Self.account) { clock.now() }
        if let store {
            state = store
        } else {
            state = try await Self.openStore(clock: clock)
        }
        var logger = Logger(label: "dispatch.test")
        logger.logLevel = .critical
        let settings = DispatchSettings(
            retry: RetryPolicy(tiers: topology.retryDelays, maxAttempts: maxAttempts), splitLongMessages: splitLongMessages,
            minimumUnknownWait: .seconds(5), maxInMemoryWait: .milliseconds(100))
        var clientLogger = logger
        clientLogger.logLevel = .critical
        let metered = MeteredXClient(client, account: Self.account, state: state, logger: clientLogger)
        dispatcher = CommandDispatcher(
            clients: [Self.account: metered], state: state, publisher: publisher, topology: topology,
            settings: settings, owner: owner, logger: logger, now: { clock.now() }, jitter: { 0 }, attachments: FakeReplyMedia())
    }

    static func openStore(clock: TestClock) async throws -> any StateStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiamo-dispatch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "dispatch.test.state")
        logger.logLevel = .critical
        return try await SQLiteStateStore.open(
            SQLiteLocation(path: folder.appendingPathComponent("state.db").path),
            options: StateStoreOptions(staleClaimAfter: .seconds(60), clock: clock), logger: logger)
    }

    /// A delivery of `json` with routing key `send.1234` and message id `messageId`.
    static func inbound(_ json: String, messageId: String? = "cmd-1", routingKey: String = "send.1234", headers: AMQPTable = [:]) -> SendDelivery {
        SendDelivery(
            body: Data(json.utf8), properties: AMQPProperties(headers: headers, messageId: messageId),
            exchange: "kiamo.test", routingKey: routingKey)
    }

    /// Prepares and handles `inbound`.
    func handle(_ inbound: SendDelivery) async -> CommandDispatcher.Settlement {
        await dispatcher.handle(inbound, dispatcher.prepare(inbound))
    }

    /// The retry copies published so far.
    var retries: [AMQPMessage] { publisher.messages.filter { $0.exchange == topology.retryExchange } }
    var deadLetters: [AMQPMessage] { publisher.messages.filter { $0.exchange == topology.deadLetterExchange } }

    /// The delivery a retry copy becomes when its tier's TTL brings it back.
    static func redelivery(of copy: AMQPMessage) -> SendDelivery {
        SendDelivery(body: copy.body, properties: copy.properties, exchange: "kiamo.test", routingKey: copy.routingKey, redelivered: false)
    }
}
