import CurlHTTP
import Foundation
import KiamoTwitter
import KiamoTwitterAdmin
import TestSupport
import XEmulatorControl

/// The `x-emulator` executable (TestSupport's `EmulatorProcess`) serving `TestAccount`'s
/// credentials, the ones `WorkerProcess.environment` configures, and its control API through
/// the typed `EmulatorControlClient` (the one `e2e` uses).
final class CLIEmulator: Sendable {
    let emulator: EmulatorProcess
    let http: HTTPClient
    let control: EmulatorControlClient

    var baseURL: String { emulator.baseURL }

    /// - Parameter arguments: further `x-emulator` options (`--allow-insecure-webhooks`...).
    init(account: TestAccount = TestAccount(), arguments: [String] = []) async throws {
        emulator = try await EmulatorProcess.start(
            arguments: [
                "--account-id", account.userId, "--account-username", account.username,
                "--consumer-key", account.consumerKey, "--consumer-secret", account.consumerSecret,
                "--access-token", account.accessToken, "--access-token-secret", account.accessTokenSecret,
                "--client-id", account.clientId, "--client-secret", account.clientSecret, "--refresh-token", account.refreshToken,
                "--rate-limits", "off",
            ] + arguments)
        http = try HTTPClient()
        control = EmulatorControlClient(baseURL: emulator.baseURL, http: http)
    }

    deinit {
        http.shutdown()
    }

    /// A customer who sent the account `text`; returns (customer id, DM event id).
    func customerMessage(_ text: String, username: String = "janedoe") async throws -> (customer: String, dm: String) {
        let customer = try await control.addUser(name: "Jane Doe", username: username).id
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
