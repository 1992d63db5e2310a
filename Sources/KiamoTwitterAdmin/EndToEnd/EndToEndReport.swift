import AMQP
import Foundation
import KiamoTwitter

/// What the end-to-end run saw.
public struct EndToEndReport: AdminReport {
    var account: String
    /// `emulator` or `x`.
    var target: String
    var steps: [String]
    var inbound: KiamoMessage?
    var report: DeliveryReport

    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] { steps + ["end-to-end OK"] }
}
