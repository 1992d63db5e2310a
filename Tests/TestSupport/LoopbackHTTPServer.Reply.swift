import Foundation

extension LoopbackHTTPServer {
    /// What the server does with a request: answer it, or misbehave in one of the ways a real
    /// server or network does.
    public enum Reply: Sendable {
        /// Sends the response at once.
        case respond(Response)
        /// Sends the response after `delay` (the connection's thread waits; others carry on).
        case respondAfter(Duration, Response)
        /// Never answers: keeps the connection open and reads until the client closes it.
        case neverAnswer
        /// Closes the connection without sending a byte.
        case closeWithoutReply
        /// A long-lived 200, chunked: each piece after its delay (a stream of events); then the
        /// end of the body, or, when `hold`, silence until the client closes (a stalled stream).
        case stream([(after: Duration, bytes: Data)], hold: Bool)
    }
}
