import Foundation
import Synchronization
import XAPI

/// An X account in memory: DM events served newest first in pages, users by id. For the engines'
/// unit tests; the integration tests use the emulator.
final class FakeXClient: XDirectMessageClient {
    struct State {
        var events: [DMEvent] = []
        var users: [String: XUser] = [:]
        var listCalls = 0
        var userCalls = 0
        var sent: [(to: String, text: String)] = []
        var failNextList: XAPIError?
    }

    let apiVersion: XAPIVersion
    let includeUsers: Bool
    let state = Mutex(State())

    func serverNow() -> Date { Date() }

    init(apiVersion: XAPIVersion = .v2) {
        self.apiVersion = apiVersion
        self.includeUsers = apiVersion == .v2
    }

    func add(_ events: [DMEvent]) { state.withLock { $0.events += events } }
    func add(user: XUser) { state.withLock { $0.users[user.id] = user } }
    var listCalls: Int { state.withLock { $0.listCalls } }
    var userCalls: Int { state.withLock { $0.userCalls } }

    func listDMEvents(pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        try state.withLock { state in
            state.listCalls += 1
            if let failure = state.failNextList {
                state.failNextList = nil
                throw failure
            }
            let sorted = state.events.sorted { (UInt64($0.id) ?? 0) > (UInt64($1.id) ?? 0) }
            let start = pageToken.flatMap(Int.init) ?? 0
            let page = Array(sorted.dropFirst(start).prefix(maxResults))
            let next = start + page.count < sorted.count ? String(start + page.count) : nil
            let senders = Set(page.compactMap(\.senderId))
            let users = includeUsers ? senders.sorted().compactMap { state.users[$0] } : []
            return DMEventPage(events: page, users: users, nextToken: next, rateLimit: nil)
        }
    }

    func conversationEvents(with participantId: String, pageToken: String?, maxResults: Int) async throws -> DMEventPage {
        let page = try await listDMEvents(pageToken: pageToken, maxResults: maxResults)
        return DMEventPage(
            events: page.events.filter { $0.participantIds.contains(participantId) || $0.senderId == participantId },
            users: page.users, nextToken: page.nextToken, rateLimit: nil)
    }

    func sendDM(to participantId: String, text: String) async throws -> SentDM {
        throw XAPIError.invalidArgument(operation: .sendDM, argument: "fake", reason: "not used by these tests")
    }

    func me() async throws -> XResponse<XUser> { XResponse(value: XUser(id: "1234", name: "Support", username: "support"), rateLimit: nil) }

    func user(id: String) async throws -> XResponse<XUser> {
        try state.withLock { state in
            state.userCalls += 1
            guard let user = state.users[id] else {
                throw XAPIError.rejected(operation: .userById, httpStatus: 404, problem: XProblem(title: "Not Found", detail: "no user \(id)", type: nil), rateLimit: nil)
            }
            return XResponse(value: user, rateLimit: nil)
        }
    }

    func users(ids: [String]) async throws -> XResponse<[XUser]> {
        XResponse(value: state.withLock { state in ids.compactMap { state.users[$0] } }, rateLimit: nil)
    }

    func user(username: String) async throws -> XResponse<XUser> {
        try await me()
    }
}
