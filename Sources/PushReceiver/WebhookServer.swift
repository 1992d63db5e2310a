import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The HTTP side of the ingest worker's webhook: X's CRC on `GET <path>` and deliveries on
/// `POST <path>`, on a port of its own behind the operator's TLS proxy (X only calls https URLs
/// without a port). Bodies are bounded before they are read whole: a larger one is refused with
/// 413 and never buffered.
public enum WebhookServer {
    /// The service for the worker's ServiceGroup; `onStart` receives the bound port.
    public static func make(
        host: String,
        port: Int,
        path: String,
        maxBodyBytes: Int,
        handler: any WebhookHandling,
        logger: Logger,
        onStart: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: router(path: path, maxBodyBytes: maxBodyBytes, handler: handler),
            configuration: .init(address: .hostname(host, port: port), serverName: "kiamo-twitter-webhook"),
            onServerRunning: { channel in await onStart(channel.localAddress?.port ?? port) },
            logger: serverLogger
        )
    }

    /// The routes alone.
    public static func router(path: String, maxBodyBytes: Int, handler: any WebhookHandling) -> Router<BasicRequestContext> {
        let router = Router()
        let route = RouterPath(path)
        router.get(route) { request, _ -> Response in
            response(handler.answerCRC(token: request.uri.queryParameters["crc_token"].map(String.init)))
        }
        router.post(route) { request, _ -> Response in
            var request = request
            // A declared length over the limit is refused before a byte is read.
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
                handler.refusedUnread(reason: "too_large")
                return response(.refusal(413, "the body is over \(maxBodyBytes) bytes"))
            }
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxBodyBytes)
            } catch {
                handler.refusedUnread(reason: "too_large")
                return response(.refusal(413, "the body is over \(maxBodyBytes) bytes"))
            }
            return response(await handler.deliver(signature: request.headers[signatureHeader], body: Data(body.readableBytesView)))
        }
        return router
    }

    static let signatureHeader = HTTPField.Name("x-twitter-webhooks-signature")!

    private static func response(_ answer: WebhookAnswer) -> Response {
        Response(
            status: .init(code: answer.status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
