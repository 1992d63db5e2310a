import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A client of the router with signing helpers; responses come back decoded.
struct HarnessClient: Sendable {
    let client: any TestClientProtocol
    let harness: EmulatorHarness

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPFields
        let body: Data

        /// The body as a JSON object.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }

        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { headers[$0] }
        }
    }

    func get(_ target: String, auth: TestAuth = .oauth1) async throws -> Reply {
        try await send("GET", target, auth: auth)
    }

    func postJSON(_ target: String, _ json: String, auth: TestAuth = .oauth1, contentType: String = "application/json") async throws -> Reply {
        try await send("POST", target, body: Data(json.utf8), contentType: contentType, auth: auth)
    }

    func postForm(_ target: String, _ form: [(String, String)], auth: TestAuth = .none, extraHeaders: [(String, String)] = []) async throws -> Reply {
        let body = form.map { "\(TestOAuth1Signer.encode($0.0))=\(TestOAuth1Signer.encode($0.1))" }.joined(separator: "&")
        return try await send(
            "POST", target, body: Data(body.utf8), contentType: "application/x-www-form-urlencoded",
            auth: auth, form: form, extraHeaders: extraHeaders)
    }

    func send(
        _ method: String, _ target: String, body: Data? = nil, contentType: String? = nil, auth: TestAuth,
        form: [(String, String)] = [], extraHeaders: [(String, String)] = []
    ) async throws -> Reply {
        var headers = HTTPFields()
        switch auth {
        case .none: break
        case .oauth1:
            headers[.authorization] = harness.signer.header(
                method: method, url: "http://localhost" + target, form: form, timestamp: Int(harness.clock.now().timeIntervalSince1970))
        case .bearer(let token): headers[.authorization] = "Bearer \(token)"
        case .header(let value): headers[.authorization] = value
        }
        if let contentType { headers[.contentType] = contentType }
        for (name, value) in extraHeaders { headers[HTTPField.Name(name)!] = value }
        let response = try await client.execute(
            uri: target, method: HTTPRequest.Method(method)!, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(response.body.readableBytesView))
    }

    /// A fresh bearer token through the refresh grant (rotating the harness's refresh token, so
    /// call it once per test).
    func bearer(refreshToken: String = EmulatorHarness.refreshToken) async throws -> (access: String, refresh: String) {
        let reply = try await postForm("/2/oauth2/token", [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", EmulatorHarness.clientID)])
        guard reply.status == 200, let access = reply.json["access_token"] as? String, let refresh = reply.json["refresh_token"] as? String else {
            throw HarnessError("refresh failed: \(reply.status) \(reply.text)")
        }
        return (access, refresh)
    }
}
