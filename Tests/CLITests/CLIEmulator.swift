import CurlHTTP
import Foundation
import KiamoTwitter
import TestSupport

/// The `x-emulator` executable serving `TestAccount`'s credentials on a free port, and its
/// control API (KiamoTwitter's `EmulatorControl`, the one `e2e` uses).
final class CLIEmulator: Sendable {
    let process: RunningProcess
    let baseURL: String
    let http: HTTPClient
    let control: EmulatorControl

    init(account: TestAccount = TestAccount()) async throws {
        process = try RunningProcess(name: "x-emulator", executable: PackagePaths.executable("x-emulator"), arguments: [
            "--port", "0", "--account-id", account.userId, "--account-username", account.username,
            "--consumer-key", account.consumerKey, "--consumer-secret", account.consumerSecret,
            "--access-token", account.accessToken, "--access-token-secret", account.accessTokenSecret,
            "--client-id", account.clientId, "--client-secret", account.clientSecret, "--refresh-token", account.refreshToken,
            "--rate-limits", "off",
        ])
        let line = try await process.waitForLine(containing: "listening on http://")
        guard let url = line.split(separator: " ").first(where: { $0.hasPrefix("http://") }) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "no URL in: \(line)"])
        }
        baseURL = String(url)
        http = try HTTPClient()
        control = EmulatorControl(baseURL: baseURL, http: http)
    }

    deinit {
        http.shutdown()
    }

    /// A customer who sent the account `text`; returns (customer id, DM event id).
    func customerMessage(_ text: String, username: String = "janedoe") async throws -> (customer: String, dm: String) {
        let customer = try await control.addUser(name: "Jane Doe", username: username)
        return (customer, try await control.postDM(from: customer, to: TestAccount().userId, text: text))
    }

    /// The `Location` X's authorize step redirects to for `url` (the emulator consents at once).
    func authorize(_ url: String) async throws -> String {
        let response = try await http.execute(HTTPRequest(url: url))
        guard response.status == 302, let location = response.headers["Location"] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "authorize answered \(response.status): \(response.bodyText)"])
        }
        return location
    }
}
