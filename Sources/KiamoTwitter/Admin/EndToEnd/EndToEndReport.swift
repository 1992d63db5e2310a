import AMQP
import Foundation

/// What the end-to-end run saw.
public struct EndToEndReport: AdminReport {
    public var account: String
    /// `emulator` or `x`.
    public var target: String
    public var steps: [String]
    public var inbound: KiamoMessage?
    public var report: DeliveryReport

    public var lines: [String] { steps + ["end-to-end OK"] }
}
