/// What async callers ask of the connection thread. Each carries the promise its caller awaits;
/// `fail(_:)` resumes it when the command cannot run at all.
enum Command: Sendable {
    case openChannel(deadline: ContinuousClock.Instant, Promise<UInt16>)
    case closeChannel(UInt16, Promise<Void>)
    case rpc(channel: UInt16, RPCRequest, deadline: ContinuousClock.Instant, Promise<RPCReply>)
    case publish(PublishRequest)
    /// Several publishes written in one go; the promise gets one result per message, in order.
    case publishBatch(channel: UInt16, [AMQPMessage], deadline: ContinuousClock.Instant, Promise<[Result<Void, AMQPError>]>)
    case settle(SettleRequest)
    /// Registers a consumer's stream before its basic.consume is sent (commands run in order).
    case registerConsumer(channel: UInt16, ConsumerRegistration)
    /// The consumer's iterator went away: cancel it on the broker without a caller waiting.
    case abandonConsumer(channel: UInt16, tag: String)
    case close(Promise<Void>?)

    func fail(_ error: AMQPError) {
        switch self {
        case .openChannel(_, let promise): promise.fail(error)
        case .closeChannel(_, let promise): promise.fail(error)
        case .rpc(_, _, _, let promise): promise.fail(error)
        case .publish(let request): request.completion.fail(error)
        case .publishBatch(_, let messages, _, let promise): promise.succeed(messages.map { _ in .failure(error) })
        case .settle(let request): request.promise.fail(error)
        case .registerConsumer(_, let registration): registration.deliveries.finish(throwing: error)
        case .abandonConsumer: break
        case .close(let promise): promise?.succeed() // nothing runs: the connection is closed already
        }
    }

    /// When a parked command stops waiting for the connection to come back.
    var deadline: ContinuousClock.Instant? {
        switch self {
        case .openChannel(let deadline, _), .rpc(_, _, let deadline, _): deadline
        case .publish(let request): request.deadline
        case .publishBatch(_, _, let deadline, _): deadline
        default: nil
        }
    }
}
