import Foundation
import XAPI

/// `webhooks replay`: the job X started.
public struct WebhookReplayReport: AdminReport {
    public var webhook: XWebhook
    public var from: Date
    public var to: Date
    public var job: XReplayJob

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] {
        [
            "replay job \(job.jobId) started \(job.createdAt) for webhook \(webhook.id) \(webhook.url)",
            "X delivers again, in the background, the events of every subscription of the webhook "
                + "from \(AdminJSON.time(from)) to \(AdminJSON.time(to)) (whole minutes, UTC)",
            "the inbound ledger drops the DMs already published",
        ]
    }
}
