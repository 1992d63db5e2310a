import CurlHTTP
import Foundation
import KiamoTwitter
import Logging
import Synchronization
import XAPI

/// `kiamo-twitter request` and numbered test 09: the exact request the X client would send for an
/// operation (method, URL with its query, headers, body), signed, but never sent.
///
/// The request is built by the real client over a transport that records it and refuses to send,
/// so what is printed is what the workers send. With `nonce` and `timestamp` the OAuth 1.0a
/// signature is reproducible. The credentials (consumer key, token, signature, bearer token) are
/// replaced by `****` unless `showSecrets`; the consumer and token secrets never appear at all.
public struct RequestPreview: Sendable {
    /// An operation `request` knows, with the parameters it takes.
    public struct Operation: Sendable {
        /// The operation's name (the client's `XOperation`), as `request` takes it.
        public var name: String
        /// Every parameter it takes (`name=value`).
        public var parameters: [String]
        /// The parameters it cannot do without.
        public var required: [String]
        /// What it does, for `--help`.
        public var summary: String
    }

    /// Every operation, named as the client's `XOperation`s.
    public static let operations: [Operation] = [
        Operation(name: "me", parameters: [], required: [], summary: "the authenticated user (GET /2/users/me)"),
        Operation(name: "userById", parameters: ["id"], required: ["id"], summary: "a user by id"),
        Operation(name: "usersByIds", parameters: ["ids"], required: ["ids"], summary: "users by comma-separated ids"),
        Operation(name: "userByUsername", parameters: ["username"], required: ["username"], summary: "a user by username"),
        Operation(
            name: "listDMEvents", parameters: ["max_results", "pagination_token"], required: [],
            summary: "the account's DM events, newest first (GET /2/dm_events)"),
        Operation(
            name: "conversationEvents", parameters: ["participant_id", "max_results", "pagination_token"], required: ["participant_id"],
            summary: "the DM events of the conversation with a participant"),
        Operation(
            name: "sendDM", parameters: ["to", "text"], required: ["to", "text"],
            summary: "send a DM (POST /2/dm_conversations/with/{to}/messages)"),
    ]

    let configuration: Configuration
    let account: AccountConfiguration
    /// OAuth 2.0: the stored access token, shown with `showSecrets` (a placeholder otherwise).
    let accessToken: String?

    /// Requests of `account` under `configuration`.
    public init(configuration: Configuration, account: AccountConfiguration, accessToken: String? = nil) {
        self.configuration = configuration
        self.account = account
        self.accessToken = accessToken
    }

    /// The request of `operationName` with `parameters` (`name=value`, see `operations`).
    public func build(
        operationName: String, parameters: [String: String], nonce: String?, timestamp: String?,
        showSecrets: Bool
    ) async throws -> RequestReport {
        guard let operation = Self.operations.first(where: { $0.name.lowercased() == operationName.lowercased() }) else {
            throw AdminError.usage("unknown operation '\(operationName)'; known: \(Self.operations.map(\.name).joined(separator: ", "))")
        }
        for name in parameters.keys where !operation.parameters.contains(name) {
            let known = operation.parameters.isEmpty ? "none" : operation.parameters.joined(separator: ", ")
            throw AdminError.usage("\(operation.name) takes no parameter '\(name)' (parameters: \(known))")
        }
        for name in operation.required where parameters[name] == nil {
            throw AdminError.usage("\(operation.name) needs \(name)=...")
        }
        let fixedTime = try timestamp.map { text -> Date in
            guard let seconds = Int(text), seconds > 0 else { throw AdminError.usage("--timestamp '\(text)' is not Unix seconds") }
            return Date(timeIntervalSince1970: Double(seconds))
        }
        if let nonce, nonce.isEmpty || !nonce.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw AdminError.usage("--nonce must be letters and digits")
        }

        let recorder = RecordingTransport()
        let credentials: XCredentials
        let token = accessToken ?? "<no-stored-token>"
        switch account.credentials {
        case .oauth1(let consumerKey, let consumerSecret, let oauthToken, let oauthTokenSecret):
            credentials = .oauth1(
                OAuth1Credentials(
                    consumerKey: consumerKey.reveal(), consumerSecret: consumerSecret.reveal(),
                    oauthToken: oauthToken.reveal(), oauthTokenSecret: oauthTokenSecret.reveal()))
        case .oauth2(let clientId, let clientSecret, _):
            let store = InMemoryOAuth2TokenStore(token: OAuth2Token(accessToken: token, refreshToken: nil, expiresAt: .distantFuture))
            credentials = .oauth2(OAuth2Credentials(clientId: clientId.reveal(), clientSecret: clientSecret?.reveal(), tokenStore: store))
        }
        let client = try XAPIClient(
            configuration: ConnectionFactory(configuration).xAPIConfiguration(credentials: credentials),
            transport: recorder, logger: Logger(label: "kiamo.cli.request", factory: { _ in SwiftLogNoOpLogHandler() }),
            clock: { fixedTime ?? Date() }, nonce: { nonce ?? OAuth1Signer.randomNonce() }
        )
        do {
            try await Self.call(operation.name, on: client, parameters: parameters, pageSize: configuration.ingest.paginationCount)
        } catch {
            // The recorder refuses to send, so the call always fails; what matters is whether a
            // request was built first (an invalid argument stops the client before that).
            if case .invalidArgument = error as? XAPIError { throw AdminError.usage("\(error)") }
            guard recorder.request != nil else { throw error }
        }
        guard let request = recorder.request else { throw AdminError.failed("\(operation.name): the client built no request") }
        return RequestReport(
            request, steps: try signatureSteps(request), apiVersion: configuration.api.version.rawValue,
            account: account.userId, showSecrets: showSecrets)
    }

    /// OAuth 1.0a: the base string and signature behind the request's header, recomputed with the
    /// header's own nonce and timestamp (so they agree by construction).
    private func signatureSteps(_ request: HTTPRequest) throws -> OAuth1SignatureSteps? {
        guard case .oauth1(let key, let secret, let token, let tokenSecret) = account.credentials,
            let header = request.headers["Authorization"]
        else { return nil }
        let fields = RequestReport.oauthFields(header)
        let signer = OAuth1Signer(
            credentials: OAuth1Credentials(
                consumerKey: key.reveal(), consumerSecret: secret.reveal(),
                oauthToken: token.reveal(), oauthTokenSecret: tokenSecret.reveal()))
        return try signer.steps(method: request.method.rawValue, url: request.url, timestamp: fields["oauth_timestamp"], nonce: fields["oauth_nonce"])
    }

    private static func call(_ name: String, on client: XAPIClient, parameters: [String: String], pageSize: Int) async throws {
        let maxResults =
            try parameters["max_results"].map { text -> Int in
                guard let value = Int(text), value > 0 else { throw AdminError.usage("max_results must be a positive number") }
                return value
            } ?? pageSize
        switch name {
        case "me": _ = try await client.me()
        case "userById": _ = try await client.user(id: parameters["id"] ?? "")
        case "usersByIds": _ = try await client.users(ids: (parameters["ids"] ?? "").split(separator: ",").map(String.init))
        case "userByUsername": _ = try await client.user(username: parameters["username"] ?? "")
        case "listDMEvents": _ = try await client.listDMEvents(pageToken: parameters["pagination_token"], maxResults: maxResults)
        case "conversationEvents":
            _ = try await client.conversationEvents(with: parameters["participant_id"] ?? "", pageToken: parameters["pagination_token"], maxResults: maxResults)
        default: _ = try await client.sendDM(to: parameters["to"] ?? "", text: parameters["text"] ?? "")
        }
    }
}
