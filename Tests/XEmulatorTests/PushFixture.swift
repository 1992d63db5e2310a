import Foundation
import TestSupport
import XEmulator

/// An emulator over real HTTP for the push tests: insecure webhooks allowed (the receiver is
/// on the loopback), short timeouts, retry delays and keep-alives so nothing waits for X's.
enum PushFixture {
    static let customerID = "906948460078698496"
    static let accountID = TestEmulator.Credentials.accountID

    static func configuration(
        clock: any EmulatorClock = SystemClock(), strict: Bool = false, retryDelays: [Duration] = [.milliseconds(100)],
        keepAlive: Duration = .seconds(20)
    ) -> EmulatorConfiguration {
        var configuration = TestEmulator.configuration(clock: clock)
        configuration.allowInsecureWebhooks = !strict
        configuration.webhookTimeout = .seconds(2)
        configuration.webhookRetryDelays = retryDelays
        configuration.streamKeepAlive = keepAlive
        return configuration
    }

    /// Runs `body` against a started emulator holding the customer, with a client holding the app token.
    static func run(
        _ configuration: EmulatorConfiguration = PushFixture.configuration(), _ body: (TestEmulator, PushClient) async throws -> Void
    ) async throws {
        try await withTestEmulator(configuration: configuration) { emulator in
            try emulator.addUser(id: customerID, name: "Jane Doe", username: "janedoe")
            let client = try await PushClient.make(emulator)
            defer { client.http.shutdown() }
            try await body(emulator, client)
        }
    }

    /// `yyyymmddhhmm` in UTC, the replay's format.
    static func minute(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d%02d%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}
