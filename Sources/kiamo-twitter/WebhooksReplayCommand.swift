import ArgumentParser
import Foundation
import KiamoTwitterAdmin

/// `kiamo-twitter webhooks replay --from T [--to T] [--id ID]`.
struct WebhooksReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Have X deliver again to the webhook the events of every subscription of the webhook in a window of minutes.",
        discussion: "X replays at most 24 h back, whole minutes in UTC, in the background; the ingest worker's inbound ledger drops "
            + "the DMs it already published. Times: an ISO 8601 date-time with its zone (2025-01-31T08:00:00Z), a time back from "
            + "now (-2h, -90m, -1d), or now. A window X would refuse (from after to, more than 24 h back) exits 2 before any call."
    )

    // Unconditional: a time back from now starts with a dash (`--from -2h`).
    @Option(parsing: .unconditional, help: ArgumentHelp("The window's start.", valueName: "time"))
    var from: String

    @Option(parsing: .unconditional, help: ArgumentHelp("The window's end.", valueName: "time"))
    var to = "now"

    @Option(help: ArgumentHelp("The webhook; by default the one at ingest.webhook.url, else the app's only one.", valueName: "id"))
    var id: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let (from, to, id) = (self.from, self.to, self.id)
        try await CommandRunner.run(options) { session in
            try await WebhookAdmin(session: session).replay(window: try ReplayWindow(from: from, to: to, now: Date()), id: id)
        }
    }
}
