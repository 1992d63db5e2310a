import AMQP

/// The wire contract between the workers, Kiamo's connector and anyone else on the broker
/// (README "Wire contract"): header names, routing keys, message types, app ids. Declared here and
/// nowhere else in the Swift code; `WireContractTests` checks the README's tables against it,
/// and the PHP connector's constants are tested against the same names. The exchange and queue
/// names derive from the configured exchange (`Topology`).
public enum WireContract {
    /// The body of every message: UTF-8 JSON.
    public static let contentType = "application/json"

    /// Header names.
    public enum Header {
        /// The account a message belongs to: on Kiamo messages and reports; a publisher may set it
        /// on a send command (`send.<account>` and the body's `accountId` must then agree with it).
        public static let accountId = "x-account-id"
        /// W3C trace context of the conversation turn (Kiamo messages, send commands, reports).
        public static let traceparent = "traceparent"
        public static let tracestate = "tracestate"

        /// On a retry copy: the delay tier that routes it to its TTL queue (`10s`).
        public static let retryTier = "x-retry-tier"
        /// On a retry copy: the attempt it is (the first delivery is attempt 1).
        public static let attempt = "x-kiamo-attempt"
        /// On a retry copy: epoch milliseconds from which an earlier attempt's outcome is unknown
        /// (X never answered its post); the next attempt looks for the DM before posting.
        public static let unverifiedSince = "x-kiamo-unverified-since"

        /// Dead letters: a stable code (`CommandFailure.Code`).
        public static let errorCode = "x-kiamo-error-code"
        /// Dead letters: a sentence a person can act on.
        public static let errorMessage = "x-kiamo-error-message"
        /// Dead letters: X's HTTP status, when X refused the DM.
        public static let httpStatus = "x-kiamo-http-status"
        /// Dead letters: attempts made.
        public static let attempts = "x-kiamo-attempts"
        /// Dead letters: the command id the `failed` report carries as `commandId`.
        public static let commandId = "x-kiamo-command-id"
        /// Dead letters: the routing key and exchange the command arrived with.
        public static let originalRoutingKey = "x-kiamo-original-routing-key"
        public static let originalExchange = "x-kiamo-original-exchange"
        /// Dead letters: how many of the command's own headers were left out (too large, or past
        /// the bound on what a dead letter copies).
        public static let headersOmitted = "x-kiamo-headers-omitted"

        /// The AMQP module's publish tag on every mandatory publish (`AMQPMessage.publishTagHeader`):
        /// meaningless to consumers, never copied from a delivery into a new message.
        public static let publishTag = AMQPMessage.publishTagHeader
        /// The same tag as earlier builds named it: messages they published may still wait
        /// in a queue, and their copies must not carry it on.
        public static let legacyPublishTag = "x-kiamo-publish-tag"

        /// The headers the workers write whose meaning the README documents.
        public static let documented = [
            accountId, traceparent, tracestate, retryTier, attempt, unverifiedSince, errorCode, errorMessage,
            httpStatus, attempts, commandId, originalRoutingKey, originalExchange, headersOmitted, publishTag,
        ]

        /// Whether `name` is one the dispatch worker writes afresh on a retry copy or a dead letter
        /// (so a copy never carries the previous one's).
        public static func isDispatchOwn(_ name: String) -> Bool {
            name.hasPrefix("x-kiamo-error") || name == publishTag || name == legacyPublishTag
        }
    }

    /// Routing keys on the main exchange (and, for dead letters, on the dead-letter exchange).
    public enum RoutingKey {
        /// A Kiamo message of `account`, from ingest.
        public static func inbound(account: String) -> String { "\(inboundPrefix).\(account)" }
        /// A send command for `account`, from Kiamo.
        public static func send(account: String) -> String { "\(sendPrefix).\(account)" }
        /// A delivery report of `account`, from dispatch.
        public static func report(account: String, status: DeliveryReport.Status) -> String { "\(reportPrefix).\(account).\(status.rawValue)" }
        /// Every report of `account`, as a binding pattern.
        public static func reports(account: String) -> String { "\(reportPrefix).\(account).*" }

        public static let inboundPrefix = "inbound"
        public static let sendPrefix = "send"
        public static let reportPrefix = "report"

        /// The account a `send.<account>` key names; nil for any other key.
        public static func sendAccount(_ routingKey: String) -> String? {
            let parts = routingKey.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 2 && parts[0] == sendPrefix ? String(parts[1]) : nil
        }
    }

    /// The AMQP `type` property.
    public enum MessageType {
        public static let message = "kiamo.message"
        public static let report = "kiamo.report"
        /// What Kiamo's connector writes on a send command (dispatch does not require it).
        public static let send = "kiamo.send"
    }

    /// The AMQP `app_id` property of what each worker publishes with the default `service`
    /// (`kiamo-twitter`); with another service name, `<service>-ingest` and `<service>-dispatch`.
    public enum AppID {
        public static let ingest = "kiamo-twitter-ingest"
        public static let dispatch = "kiamo-twitter-dispatch"
        /// Kiamo's connector (`kiamo/TwitterQueueConnector.php`), on send commands.
        public static let connector = "kiamo-twitter-connector"
    }
}
