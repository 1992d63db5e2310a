import Foundation
import Logging
import Metrics
import PushReceiver
import Synchronization
import XAPI

/// What the ingest worker's webhook does with X's requests (`ingest.mode: webhook`):
///
/// - the CRC (`GET ?crc_token=T`) is answered with the app's HMAC of the token;
/// - a delivery is read only after its `x-twitter-webhooks-signature` proved it comes from X
///   (constant-time compare); then its DMs are published through the account's `IngestEngine`,
///   and it is answered 200 only once the broker confirmed every one of them. Any failure is
///   answered 503, so that X delivers again (the inbound ledger drops what was published).
///
/// Every refusal says why in its body and counts in `kiamo_ingest_webhook_requests_total`; none
/// publishes anything.
public struct WebhookEndpoint: WebhookHandling {
    let signature: WebhookSignature
    /// The engines of the accounts this process serves, by X user id.
    let engines: [String: IngestEngine]
    let logger: Logger
    /// X waits 3 s for an answer; one that comes later counts as a failure all the same.
    let answerWithin: Duration

    public init(signature: WebhookSignature, engines: [IngestEngine], answerWithin: Duration = .milliseconds(2500), logger: Logger) {
        self.answerWithin = answerWithin
        self.signature = signature
        self.engines = Dictionary(engines.map { ($0.account, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
    }

    public func answerCRC(token: String?) -> WebhookAnswer {
        guard let token, !token.isEmpty, token.utf8.count <= 1024 else {
            count("crc_refused")
            return .refusal(400, "crc_token is missing")
        }
        count("crc")
        return .ok(["response_token": signature.responseToken(crcToken: token)])
    }

    public func refusedUnread(reason: String) {
        count(reason)
        logger.warning("webhook delivery refused unread: \(reason)")
    }

    public func deliver(signature header: String?, body: Data) async -> WebhookAnswer {
        switch signature.verify(header: header, body: body) {
        case .valid: break
        case .missing:
            count("unsigned")
            logger.warning("webhook delivery refused: no x-twitter-webhooks-signature header")
            return .refusal(401, "no x-twitter-webhooks-signature header")
        case .malformed, .mismatch:
            // Forged, another app's, or signed with a consumer secret this process does not have.
            count("bad_signature")
            logger.warning("webhook delivery refused: its signature is not the app's (check the consumer secret)")
            return .refusal(401, "the signature does not match the body")
        }
        let delivery: PushDelivery
        do {
            delivery = try PushDelivery.decode(body)
        } catch {
            count("malformed")
            logger.error("webhook delivery refused: \(error)")
            return .refusal(400, "not an X push payload: \(error)")
        }
        guard let account = delivery.forUserId, let engine = engines[account] else {
            count("skipped")
            if delivery.forUserId != nil {
                logger.warning("webhook delivery skipped: it is for an account this worker does not serve", metadata: ["for_user_id": "\(delivery.forUserId ?? "")"])
            }
            return .ok(["skipped": delivery.forUserId == nil ? "no account in the delivery" : "account not served here"])
        }
        // The publish goes on when the answer is due (a broker outage holds confirms): what the
        // broker confirms later is still recorded, and X's next attempt finds it in the ledger.
        let publishing = Task { try await engine.publishPushed(delivery) }
        switch await Self.result(of: publishing, within: answerWithin) {
        case .success(let report)?:
            count(report.published > 0 ? "published" : "skipped")
            return .ok(["published": String(report.published), "repeated": String(report.repeated), "skipped": String(report.skipped)])
        case .failure(let error)?:
            count("failed")
            logger.error("webhook delivery not stored; X will deliver it again", metadata: ["account": "\(account)", "error": "\(error)"])
            return .refusal(503, "not stored (\(IngestEngine.kind(error))); deliver again")
        case nil:
            count("late")
            logger.warning(
                "webhook delivery not confirmed within \(DurationText.format(answerWithin)); answered 503 so that X delivers it again",
                metadata: ["account": "\(account)"])
            return .refusal(503, "not confirmed by the broker yet; deliver again")
        }
    }

    /// `task`'s result, or nil when it has none within `limit` (the task goes on).
    static func result<T: Sendable>(of task: Task<T, any Error>, within limit: Duration) async -> Result<T, any Error>? {
        let waiter = FirstAnswer<Result<T, any Error>?>()
        return await withCheckedContinuation { continuation in
            waiter.set(continuation)
            Task { waiter.resume(returning: await task.result) }
            Task {
                try? await Task.sleep(for: limit)
                waiter.resume(returning: nil)
            }
        }
    }

    private func count(_ outcome: String) {
        Counter(label: "kiamo_ingest_webhook_requests_total", dimensions: [("outcome", outcome)]).increment()
    }
}

/// A continuation resumed by whichever answer comes first; later ones are dropped.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func set(_ continuation: CheckedContinuation<Value, Never>) { self.continuation.withLock { $0 = continuation } }

    func resume(returning value: Value) { continuation.withLock { $0.take() }?.resume(returning: value) }
}
