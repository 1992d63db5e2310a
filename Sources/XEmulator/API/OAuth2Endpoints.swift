import Foundation

/// `POST /2/oauth2/token` (refresh-token and authorization-code grants) and the authorization
/// step (`GET /i/oauth2/authorize`), which consents on the configured account's behalf at once.
struct OAuth2Endpoints: Sendable {
    let store: EmulatorStore

    private var configuration: EmulatorConfiguration { store.configuration }

    /// `POST /2/oauth2/token`, form-encoded. Confidential clients authenticate with HTTP Basic
    /// `client_id:client_secret`; public ones send `client_id` in the form. Every refresh issues a
    /// new refresh token and kills the one used.
    func token(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        guard request.mediaType == "application/x-www-form-urlencoded" else {
            throw Refusal(XErrors.oauth(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded."))
        }
        guard let pairs = PercentEncoding.formPairs(String(decoding: request.body, as: UTF8.self)[...]) else {
            throw Refusal(XErrors.oauth(400, "invalid_request", "The request body is not correctly form-encoded."))
        }
        var form: [String: String] = [:]
        for (name, value) in pairs where form[name] == nil { form[name] = value }
        try authenticateClient(request, form: form)
        let now = configuration.clock.now().timeIntervalSince1970
        switch form["grant_type"] {
        case "refresh_token":
            guard let refresh = form["refresh_token"], !refresh.isEmpty else {
                throw Refusal(XErrors.oauth(400, "invalid_request", "Missing required parameter [refresh_token]."))
            }
            return try store.withState { (state: inout EmulatorState) throws(Refusal) -> EmulatorResponse in
                guard let grant = state.auth.takeRefresh(refresh) else { throw Refusal(XErrors.invalidRefreshToken) }
                state.stats.tokenRefreshes += 1
                return issue(userID: grant.userID, scopes: grant.scopes, now: now, state: &state)
            }
        case "authorization_code":
            for name in ["code", "redirect_uri", "code_verifier"] where (form[name] ?? "").isEmpty {
                throw Refusal(XErrors.oauth(400, "invalid_request", "Missing required parameter [\(name)]."))
            }
            let code = form["code"] ?? ""
            return try store.withState { (state: inout EmulatorState) throws(Refusal) -> EmulatorResponse in
                guard let grant = state.auth.takeCode(code, now: now), grant.clientID == configuration.clientID,
                    grant.redirectURI == form["redirect_uri"],
                    PKCE.verify(verifier: form["code_verifier"] ?? "", challenge: grant.challenge, method: grant.challengeMethod)
                else {
                    throw Refusal(XErrors.oauth(400, "invalid_request", "Value passed for the authorization code was invalid."))
                }
                return issue(userID: grant.userID, scopes: grant.scopes, now: now, state: &state)
            }
        case nil, "":
            throw Refusal(XErrors.oauth(400, "invalid_request", "Missing required parameter [grant_type]."))
        case let other?:
            throw Refusal(XErrors.oauth(400, "unsupported_grant_type", "Grant type [\(other)] is not supported."))
        }
    }

    /// `GET /i/oauth2/authorize?response_type=code&client_id&redirect_uri&scope&state&code_challenge&code_challenge_method`:
    /// a 302 to `redirect_uri?state=...&code=...` as if the account had consented.
    func authorize(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        guard let pairs = request.queryPairs else { throw Refusal(XErrors.oauth(400, "invalid_request", "The query string is not correctly percent-encoded.")) }
        var query: [String: String] = [:]
        for (name, value) in pairs where query[name] == nil { query[name] = value }
        func required(_ name: String) throws(Refusal) -> String {
            guard let value = query[name], !value.isEmpty else { throw Refusal(XErrors.oauth(400, "invalid_request", "Missing required parameter [\(name)].")) }
            return value
        }
        guard try required("response_type") == "code" else { throw Refusal(XErrors.oauth(400, "unsupported_response_type", "response_type must be code.")) }
        guard try required("client_id") == configuration.clientID else { throw Refusal(XErrors.oauth(400, "invalid_request", "Value passed for the client_id was invalid.")) }
        let redirect = try required("redirect_uri")
        guard let components = URLComponents(string: redirect), ["http", "https"].contains(components.scheme ?? ""), components.host != nil,
            configuration.redirectURIs.isEmpty || configuration.redirectURIs.contains(redirect)
        else { throw Refusal(XErrors.oauth(400, "invalid_request", "Value passed for the redirect_uri was invalid.")) }
        let scopes = try required("scope").split(separator: " ").map(String.init)
        let stateValue = try required("state")
        let challenge = try required("code_challenge")
        let method = query["code_challenge_method"] ?? "plain"
        guard method == "S256" || method == "plain" else {
            throw Refusal(XErrors.oauth(400, "invalid_request", "code_challenge_method must be S256 or plain."))
        }
        let now = configuration.clock.now().timeIntervalSince1970
        let code = RandomToken.make(bytes: 30)
        let userID = EmulatorUser.numericID(configuration.account.id) ?? 0
        store.withState { state in
            state.auth.addCode(
                code,
                grant: AuthState.CodeGrant(
                    userID: userID, clientID: configuration.clientID, redirectURI: redirect, challenge: challenge,
                    challengeMethod: method, scopes: scopes, expiresAt: now + configuration.authorizationCodeLifetime.seconds))
            state.stats.authorizationCodesIssued += 1
        }
        var target = components
        target.percentEncodedQuery = [components.percentEncodedQuery, "state=\(PercentEncoding.encode(stateValue))&code=\(PercentEncoding.encode(code))"]
            .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "&")
        return EmulatorResponse(status: 302, headers: [("location", target.string ?? redirect), ("content-length", "0")])
    }

    /// `POST /oauth2/token` with `grant_type=client_credentials` and HTTP Basic
    /// `consumerKey:consumerSecret` (each percent-encoded, as X's docs ask): the app-only bearer
    /// token, the same one on every call. Errors are v1.1-style, as X writes them on this path.
    func appToken(_ request: EmulatorRequest) throws(Refusal) -> EmulatorResponse {
        let refused = XErrors.v1Labelled(403, code: 99, label: "authenticity_token_error", "Unable to verify your credentials")
        guard let header = request.header("authorization"), header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let credentials = String(data: decoded, encoding: .utf8)
        else { throw Refusal(refused) }
        let parts = credentials.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2,
            OAuth1Signature.constantTimeEquals(parts[0].removingPercentEncoding ?? parts[0], configuration.consumerKey),
            OAuth1Signature.constantTimeEquals(parts[1].removingPercentEncoding ?? parts[1], configuration.consumerSecret)
        else { throw Refusal(refused) }
        let form = PercentEncoding.formPairs(String(decoding: request.body, as: UTF8.self)[...]) ?? []
        guard form.first(where: { $0.0 == "grant_type" })?.1 == "client_credentials" else {
            throw Refusal(XErrors.v1Labelled(403, code: 170, label: "forbidden_missing_parameter", "Missing required parameter: grant_type"))
        }
        let token = store.withState { $0.auth.issueAppToken() }
        return .json(200, .object([("token_type", "bearer"), ("access_token", .string(token))]))
    }

    /// Checks the client as X does: Basic credentials for a confidential client, `client_id` in
    /// the form for a public one.
    private func authenticateClient(_ request: EmulatorRequest, form: [String: String]) throws(Refusal) {
        if let secret = configuration.clientSecret {
            guard let header = request.header("authorization"), header.lowercased().hasPrefix("basic "),
                let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let credentials = String(data: decoded, encoding: .utf8)
            else { throw Refusal(XErrors.oauth(401, "unauthorized_client", "Missing valid authorization header")) }
            let parts = credentials.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2,
                OAuth1Signature.constantTimeEquals(parts[0].removingPercentEncoding ?? parts[0], configuration.clientID),
                OAuth1Signature.constantTimeEquals(parts[1].removingPercentEncoding ?? parts[1], secret)
            else { throw Refusal(XErrors.oauth(401, "unauthorized_client", "Missing valid authorization header")) }
        } else {
            guard let client = form["client_id"], !client.isEmpty else {
                throw Refusal(XErrors.oauth(400, "invalid_request", "Missing required parameter [client_id]."))
            }
            guard client == configuration.clientID else {
                throw Refusal(XErrors.oauth(401, "unauthorized_client", "Value passed for the client_id was invalid."))
            }
        }
    }

    /// A new access token (and a new refresh token when `offline.access` was granted).
    private func issue(userID: UInt64, scopes: [String], now: Double, state: inout EmulatorState) -> EmulatorResponse {
        let lifetime = configuration.accessTokenLifetime.seconds
        let access = RandomToken.make()
        state.auth.pruneExpired(now: now)
        state.auth.issueAccess(access, grant: AuthState.AccessGrant(userID: userID, scopes: scopes, expiresAt: now + lifetime))
        state.stats.tokensIssued += 1
        var members: [(String, JSONValue)] = [
            ("token_type", "bearer"),
            ("expires_in", .integer(Int64(lifetime.rounded()))),
            ("access_token", .string(access)),
            ("scope", .string(scopes.joined(separator: " "))),
        ]
        if scopes.contains("offline.access") {
            let refresh = RandomToken.make()
            state.auth.addRefresh(refresh, grant: AuthState.RefreshGrant(userID: userID, scopes: scopes))
            members.append(("refresh_token", .string(refresh)))
        }
        return .json(200, .object(members))
    }
}
