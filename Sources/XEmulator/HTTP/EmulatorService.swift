import Foundation
import Logging

/// Turns one request into X's answer: routes it, applies a pending fault, authenticates,
/// counts it against its rate limit, runs its handler, and records it in the stats.
final class EmulatorService: Sendable {
    let store: EmulatorStore
    let logger: Logger
    private let authenticator: RequestAuthenticator
    private let directMessages: V2DirectMessages
    private let users: V2Users
    private let legacy: V1DirectMessages
    private let oauth2: OAuth2Endpoints
    private let mediaDownload: V2DMMediaDownload
    private let mediaUpload: V2MediaUpload
    private let control: ControlAPI
    private let webhooks: WebhooksAPI
    private let accountActivity: AccountActivityAPI
    private let activity: ActivityAPI

    init(store: EmulatorStore, logger: Logger) {
        self.store = store
        self.logger = logger
        authenticator = RequestAuthenticator(configuration: store.configuration, store: store)
        directMessages = V2DirectMessages(store: store)
        users = V2Users(store: store)
        legacy = V1DirectMessages(store: store)
        oauth2 = OAuth2Endpoints(store: store)
        mediaDownload = V2DMMediaDownload(store: store)
        mediaUpload = V2MediaUpload(store: store)
        control = ControlAPI(store: store)
        webhooks = WebhooksAPI(store: store)
        accountActivity = AccountActivityAPI(store: store)
        activity = ActivityAPI(store: store)
    }

    private var configuration: EmulatorConfiguration { store.configuration }

    func handle(_ request: EmulatorRequest) async -> EmulatorOutcome {
        // Media URLs in pushed events start the way clients reach the emulator (a control call
        // injecting a customer's DM counts too).
        store.push.noteBaseURL(request.baseURL)
        if request.path == ControlAPI.prefix || request.path.hasPrefix(ControlAPI.prefix + "/") {
            return .respond(await control.handle(request))
        }
        guard let route = Route.match(method: request.method, path: request.path) else {
            let response = request.path.hasPrefix("/1.1/") ? XErrors.v1NotFound : XErrors.blank(404)
            store.withState { $0.stats.record(route: "unmatched", family: nil, outcome: String(response.status)) }
            return .respond(response)
        }
        let fault = store.withState { state -> EmulatorFault? in
            guard let index = state.faults.firstIndex(where: { $0.matches(pattern: route.pattern, path: request.path, family: route.family) }) else { return nil }
            let fault = state.faults[index]
            state.faults[index].count -= 1
            if state.faults[index].count <= 0 { state.faults.remove(at: index) }
            state.stats.faultsApplied += 1
            return fault
        }
        let outcome: EmulatorOutcome
        switch fault?.kind {
        case .status?:
            outcome = .respond(faultStatus(fault?.status ?? 500, route: route))
        case .drop?:
            outcome = .drop
        case .malformed?:
            outcome = .respond(
                EmulatorResponse(
                    status: 200, headers: [("content-type", EmulatorResponse.jsonType)],
                    body: Array("{\"data\":[{\"id\":\"1582838593371127812\",\"text\":\"Hel".utf8)))
        case .delay?:
            try? await Task.sleep(for: .milliseconds(fault?.delayMs ?? 0))
            outcome = await serve(request, route: route)
        case .lateAnswer?:
            let served = await serve(request, route: route)
            try? await Task.sleep(for: .milliseconds(fault?.delayMs ?? 0))
            outcome = served
        case .lostAnswer?:
            if case .stream(let session) = await serve(request, route: route) { session.finish() }
            outcome = .drop
        case nil:
            outcome = await serve(request, route: route)
        }
        let recorded = outcome.status.map(String.init) ?? "dropped"
        store.withState { $0.stats.record(route: route.pattern, family: route.family, outcome: recorded) }
        logger.trace("x-emulator answered", metadata: ["route": "\(route.pattern)", "outcome": "\(recorded)"])
        return outcome
    }

    /// A status fault's answer, in the route's dialect; a 429 carries spent rate-limit headers.
    private func faultStatus(_ status: Int, route: Route) -> EmulatorResponse {
        let response = XErrors.forFault(status: status, dialect: route.dialect)
        guard status == 429 else { return response }
        let now = configuration.clock.now().timeIntervalSince1970
        return response.adding(RateLimiter.exhausted(family: route.family, now: now, policy: configuration.rateLimits).headers)
    }

    private func serve(_ request: EmulatorRequest, route: Route) async -> EmulatorOutcome {
        guard route.isPush else { return .respond(serveDirect(request, route: route)) }
        let caller: Caller
        switch authenticator.authenticate(request, route: route, formParameters: []) {
        case .success(let authenticated): caller = authenticated
        case .failure(let failure): return .respond(failure.response(route.dialect))
        }
        do {
            return try await servePush(request, route: route, caller: caller)
        } catch {
            return .respond(error.response)
        }
    }

    /// The push routes: webhooks, Account Activity, X Activity (no rate limits: X counts them
    /// per app in windows the emulator does not model).
    private func servePush(_ request: EmulatorRequest, route: Route, caller: Caller) async throws(Refusal) -> EmulatorOutcome {
        switch route {
        case .listWebhooks: return .respond(try webhooks.list(request))
        case .createWebhook: return .respond(try await webhooks.create(request))
        case .validateWebhook(let id): return .respond(try await webhooks.validate(id: id))
        case .deleteWebhook(let id): return .respond(try webhooks.delete(id: id))
        case .replayWebhook: return .respond(try webhooks.replay(request))
        case .subscribeAccountActivity(let id):
            return .respond(try accountActivity.subscribe(request, webhookID: id, user: caller.userID ?? 0))
        case .accountActivitySubscription(let id): return .respond(try accountActivity.status(webhookID: id, user: caller.userID ?? 0))
        case .listAccountActivitySubscriptions(let id): return .respond(try accountActivity.list(webhookID: id))
        case .unsubscribeAccountActivity(let webhookID, let userID): return .respond(try accountActivity.unsubscribe(webhookID: webhookID, userID: userID))
        case .accountActivityCount: return .respond(accountActivity.count())
        case .activityStream: return .stream(try activity.stream(request))
        case .listActivitySubscriptions: return .respond(try activity.list(request))
        case .createActivitySubscription: return .respond(try activity.create(request, caller: caller))
        case .deleteActivitySubscriptions: return .respond(try activity.deleteMany(request))
        case .updateActivitySubscription(let id): return .respond(try activity.update(request, id: id))
        case .deleteActivitySubscription(let id): return .respond(try activity.delete(id: id))
        default: throw Refusal(XErrors.blank(404))
        }
    }

    private func serveDirect(_ request: EmulatorRequest, route: Route) -> EmulatorResponse {
        switch route {
        case .oauth2Token:
            return Self.answer { () throws(Refusal) in try oauth2.token(request) }
        case .oauth2Authorize:
            return Self.answer { () throws(Refusal) in try oauth2.authorize(request) }
        case .appToken:
            return Self.answer { () throws(Refusal) in try oauth2.appToken(request) }
        default:
            break
        }
        let form =
            request.mediaType == "application/x-www-form-urlencoded"
            ? PercentEncoding.formPairs(String(decoding: request.body, as: UTF8.self)[...]) ?? []
            : []
        let caller: UInt64
        switch authenticator.authenticate(request, route: route, formParameters: form) {
        case .success(let authenticated): caller = authenticated.userID ?? 0
        case .failure(let failure): return failure.response(route.dialect)
        }
        var limitHeaders: [(String, String)] = []
        if let family = route.family {
            let now = configuration.clock.now().timeIntervalSince1970
            let decision = store.withState { state -> RateLimitDecision? in
                let decision = state.limits.check(user: caller, family: family, now: now, policy: configuration.rateLimits)
                if decision?.allowed == false { state.stats.rateLimited += 1 }
                return decision
            }
            if let decision {
                limitHeaders = decision.headers
                if !decision.allowed {
                    return (route.dialect == .v1 ? XErrors.v1RateLimited : XErrors.tooManyRequests).adding(limitHeaders)
                }
            }
        }
        return Self.answer { () throws(Refusal) -> EmulatorResponse in
            switch route {
            case .listEvents, .eventsWithParticipant, .eventsInConversation:
                return try directMessages.list(request, route: route, caller: caller)
            case .eventByID(let id):
                return try directMessages.event(request, id: id, caller: caller)
            case .sendToParticipant, .sendToConversation:
                return try directMessages.send(request, route: route, caller: caller)
            case .usersMe, .userByID, .usersByIDs, .userByUsername:
                return try users.handle(request, route: route, caller: caller)
            case .v1EventsList:
                return try legacy.list(request, caller: caller)
            case .v1EventsShow:
                return try legacy.show(request, caller: caller)
            case .v1EventsNew:
                return try legacy.new(request, caller: caller)
            case .v1UsersShow:
                return try legacy.showUser(request)
            case .dmMediaDownload(let dmID, let mediaID, let resourceID), .legacyDMMedia(let dmID, let mediaID, let resourceID):
                return try mediaDownload.download(request, dmID: dmID, mediaID: mediaID, resourceID: resourceID, caller: caller)
            case .mediaUpload:
                return try mediaUpload.upload(request, caller: caller)
            case .mediaUploadInitialize:
                return try mediaUpload.initialize(request, caller: caller)
            case .mediaUploadAppend(let id):
                return try mediaUpload.append(request, id: id, caller: caller)
            case .mediaUploadFinalize(let id):
                return try mediaUpload.finalize(request, id: id, caller: caller)
            case .mediaUploadStatus:
                return try mediaUpload.status(request, caller: caller)
            default:
                throw Refusal(XErrors.blank(404))
            }
        }.adding(limitHeaders)
    }

    private static func answer(_ body: () throws(Refusal) -> EmulatorResponse) -> EmulatorResponse {
        do {
            return try body()
        } catch {
            return error.response
        }
    }
}
