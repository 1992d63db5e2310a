import NIOCore

/// Closes a stream's connection as soon as the client closes its side: the server allows
/// half-closed connections, so without this a client that left would only be noticed at the
/// next write (up to a keep-alive later), and its connection slot would stay taken till then.
final class StreamHangUpHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}
