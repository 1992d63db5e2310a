import CurlHTTP
import Foundation

/// The X emulator's control API (`/_emulator/...`), for `e2e` against the emulator: create a
/// customer, make them send a DM, read what the account sent.
public struct EmulatorControl: Sendable {
    /// The emulator's base URL (the configuration's `api.baseUrl`).
    public let baseURL: String
    let http: HTTPClient

    /// The control API of the emulator at `baseURL`.
    public init(baseURL: String, http: HTTPClient) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.http = http
    }

    /// The account the emulator serves; throws when `baseURL` is not an emulator.
    public func accountId() async throws -> String {
        let object = try await call(.get, "/health", nil)
        guard let account = object["account"] as? [String: Any], let id = account["id"] as? String else {
            throw AdminError.failed("\(baseURL) answered /_emulator/health without an account: not an x-emulator?")
        }
        return id
    }

    /// Creates a user; returns its id.
    public func addUser(name: String, username: String) async throws -> String {
        let object = try await call(.post, "/users", ["name": name, "username": username])
        guard let id = object["id"] as? String else { throw AdminError.failed("the emulator created a user without an id") }
        return id
    }

    /// `from` sends `text` to `to`; returns the DM event id.
    public func postDM(from: String, to: String, text: String) async throws -> String {
        let object = try await call(.post, "/dms", ["from": from, "to": to, "text": text])
        guard let id = object["id"] as? String else { throw AdminError.failed("the emulator posted a DM without an id") }
        return id
    }

    /// The DMs `account` sent through the API: (DM event id, recipient, text).
    public func sent(account: String) async throws -> [(dmEventId: String, recipientId: String, text: String)] {
        let object = try await call(.get, "/sent?account=\(account)", nil)
        let items = object["sent"] as? [[String: Any]] ?? []
        return items.compactMap { item in
            guard let id = item["dmEventID"] as? String, let recipient = item["recipientID"] as? String, let text = item["text"] as? String else { return nil }
            return (id, recipient, text)
        }
    }

    private func call(_ method: HTTPMethod, _ path: String, _ body: [String: String]?) async throws -> [String: Any] {
        var request = HTTPRequest(method: method, url: baseURL + "/_emulator" + path)
        if let body {
            request.body = try JSONSerialization.data(withJSONObject: body)
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw AdminError.failed("the X emulator at \(baseURL) is unreachable: \(error)")
        }
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        guard (200...299).contains(response.status) else {
            throw AdminError.failed("the X emulator at \(baseURL) answered \(method) \(path) with \(response.status): \(object["error"] as? String ?? response.bodyText.prefix(200).description)")
        }
        return object
    }
}
