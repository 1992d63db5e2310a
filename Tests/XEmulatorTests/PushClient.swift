import CurlHTTP
import Foundation
import TestSupport
import XEmulator

/// Calls the push routes of a running emulator over real HTTP, as the app (app-only bearer) or as
/// the account (OAuth 1.0a, signed at the emulator clock's time).
struct PushClient: Sendable {
    enum Auth: Sendable {
        case app
        case user
        case bearer(String)
    }

    struct Reply: Sendable {
        let status: Int
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    }

    let emulator: TestEmulator
    let http: HTTPClient
    let appToken: String

    static func make(_ emulator: TestEmulator) async throws -> PushClient {
        var settings = HTTPClient.Configuration()
        settings.proxy = .none
        let http = try HTTPClient(configuration: settings)
        let reply = try await tokenRequest(http, emulator: emulator, key: TestEmulator.Credentials.consumerKey, secret: TestEmulator.Credentials.consumerSecret)
        guard reply.status == 200, let token = reply.json["access_token"] as? String else { throw HarnessError("no app token: \(reply.text)") }
        return PushClient(emulator: emulator, http: http, appToken: token)
    }

    static func tokenRequest(_ http: HTTPClient, emulator: TestEmulator, key: String, secret: String) async throws -> Reply {
        let basic = Data("\(key):\(secret)".utf8).base64EncodedString()
        let response = try await http.execute(
            HTTPRequest(
                method: .post, url: emulator.baseURL + "/oauth2/token",
                headers: ["Authorization": "Basic \(basic)", "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"],
                body: Data("grant_type=client_credentials".utf8)))
        return Reply(status: response.status, body: response.body)
    }

    func call(_ method: String, _ target: String, json: String? = nil, auth: Auth = .app) async throws -> Reply {
        var headers = HTTPHeaders()
        let url = emulator.baseURL + target
        switch auth {
        case .app: headers.add(name: "Authorization", value: "Bearer \(appToken)")
        case .bearer(let token): headers.add(name: "Authorization", value: "Bearer \(token)")
        case .user:
            let signer = TestOAuth1Signer(
                consumerKey: TestEmulator.Credentials.consumerKey, consumerSecret: TestEmulator.Credentials.consumerSecret,
                token: TestEmulator.Credentials.accessToken, tokenSecret: TestEmulator.Credentials.accessTokenSecret)
            let now = Int(emulator.configuration.clock.now().timeIntervalSince1970)
            headers.add(name: "Authorization", value: signer.header(method: method, url: url, timestamp: now))
        }
        if json != nil { headers.add(name: "Content-Type", value: "application/json") }
        let response = try await http.execute(
            HTTPRequest(method: HTTPMethod(rawValue: method), url: url, headers: headers, body: json.map { Data($0.utf8) }))
        return Reply(status: response.status, body: response.body)
    }

    /// Registers `url` and returns the webhook's id; throws when X refuses it.
    func registerWebhook(_ url: String) async throws -> String {
        let reply = try await call("POST", "/2/webhooks", json: #"{"url":"\#(url)"}"#)
        guard reply.status == 200, let id = reply.data["id"] as? String else { throw HarnessError("webhook refused: \(reply.status) \(reply.text)") }
        return id
    }

    /// Subscribes the account to webhook `id` (Account Activity).
    func subscribeAccount(webhook id: String) async throws {
        let reply = try await call("POST", "/2/account_activity/webhooks/\(id)/subscriptions/all", json: "{}", auth: .user)
        guard reply.status == 200 else { throw HarnessError("subscription refused: \(reply.status) \(reply.text)") }
    }

    var control: EmulatorControlClient { EmulatorControlClient(baseURL: emulator.baseURL, http: http) }
}
