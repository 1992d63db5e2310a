/// A synchronous method queued on a channel: sent when the one before it is answered, completed
/// on the connection thread when its reply (or the channel's end) arrives.
struct PendingRPC {
    let request: RPCRequest
    let deadline: ContinuousClock.Instant
    let completion: (Result<RPCReply, AMQPError>) -> Void
}
