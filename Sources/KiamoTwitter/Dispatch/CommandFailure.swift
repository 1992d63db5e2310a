/// Why a send command cannot be, or could not be, sent: the code and sentence that go into the
/// dead letter's headers (`x-kiamo-error-code`, `x-kiamo-error-message`) and the `failed` report.
public struct CommandFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case tooLarge = "too_large"
        case invalidEncoding = "invalid_encoding"
        case invalidJSON = "invalid_json"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidRecipient = "invalid_recipient"
        case emptyContent = "empty_content"
        case contentTooLong = "content_too_long"
        case unknownAccount = "unknown_account"
        case accountMismatch = "account_mismatch"
        case missingId = "missing_id"
        case invalidHeader = "invalid_header"
        case unknownRoutingKey = "unknown_routing_key"
        /// X refused the DM (400, 403, 404): X's problem detail is in the message.
        case xRejected = "x_rejected"
        /// Transient failures went on past `dispatch.maxAttempts`.
        case retriesExhausted = "retries_exhausted"
        /// The command's deliveries began `dispatch.maxDeliveries` times and never settled: the
        /// worker or its broker connection died while handling it each time. Set aside so it
        /// cannot loop; replay it once the cause is found.
        case redeliveryLimit = "redelivery_limit"
        /// X refused the account's credentials even after a token refresh.
        case unauthorized = "unauthorized"
        /// An earlier attempt may have posted the reply, and the conversation has moved on by more
        /// DMs than the worker reads to check: not posted again, so it cannot arrive twice.
        case outcomeUnverifiable = "outcome_unverifiable"
        /// The command's `attachments` are not what the wire contract allows (more than one, an
        /// item without exactly one of `url`, `path`, `mediaId`, a malformed value).
        case invalidAttachment = "invalid_attachment"
        /// The attachment is not allowed or not something X's DMs carry: a host or folder the
        /// operator did not allow, an internal address, a type or size X refuses.
        case attachmentRefused = "attachment_refused"
        /// The attachment cannot be had: the file or URL is gone, or refused the worker.
        case attachmentUnavailable = "attachment_unavailable"
    }

    public var code: Code
    public var message: String
    public var httpStatus: Int?

    public init(_ code: Code, _ message: String, httpStatus: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The report's form of this failure.
    public var reportError: DeliveryReport.Failure {
        DeliveryReport.Failure(code: code.rawValue, message: BoundedText.cut(message), httpStatus: httpStatus)
    }
}
