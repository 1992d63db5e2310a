import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The media service agents' links point at: `GET /media/{key}?expires=...&signature=...`.
///
/// It answers only a link `MediaLinkSigner` signed and that has not expired; it serves the
/// object with its stored content type, one byte range on request (206, or 416 when none of it
/// exists), an ETag of its checksum, and headers that keep a browser from running it
/// (`X-Content-Type-Options: nosniff`, a download for anything but images, video, audio and
/// PDF). There is no listing and no other route. Refusals say why in a JSON body and never
/// repeat the link.
public enum MediaServer {
    /// The service for the worker's ServiceGroup; `onStart` receives the bound port.
    public static func make(
        host: String,
        port: Int,
        storage: any MediaStorage,
        signer: MediaLinkSigner,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        onStart: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .warning)
        return Application(
            router: router(storage: storage, signer: signer, logger: logger, now: now),
            configuration: .init(address: .hostname(host, port: port), serverName: "kiamo-twitter-media"),
            onServerRunning: { channel in await onStart(channel.localAddress?.port ?? port) },
            logger: serverLogger
        )
    }

    /// The routes alone (tests drive them through Hummingbird's test client too).
    public static func router(
        storage: any MediaStorage, signer: MediaLinkSigner, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/media/**") { request, context -> Response in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard let key = MediaKey(path) else { return refusal(.notFound, "no such media") }
            let query = request.uri.queryParameters
            switch signer.verify(key: key, expires: query["expires"].map(String.init), signature: query["signature"].map(String.init), now: now()) {
            case .badSignature: return refusal(.forbidden, "the link is not valid")
            case .expired: return refusal(.forbidden, "the link has expired; open the message again in Kiamo for a new one")
            case .valid: break
            }
            let media: StoredMedia?
            do {
                media = try await storage.find(key)
            } catch {
                logger.error("the media store could not be read", metadata: ["key": "\(key)", "error": "\(error)"])
                return refusal(.serviceUnavailable, "the media store cannot be read just now; try again")
            }
            guard let media else { return refusal(.notFound, "no such media (it may have been purged)") }
            var headers = HTTPFields()
            headers[.contentType] = media.contentType
            headers[.acceptRanges] = "bytes"
            headers[.eTag] = "\"\(media.sha256)\""
            headers[.cacheControl] = "private, max-age=300"
            headers[.contentDisposition] = isShownInline(media.contentType) ? "inline" : "attachment"
            headers[Self.noSniff] = "nosniff"
            if let match = request.headers[.ifNoneMatch], match == "\"\(media.sha256)\"" {
                return Response(status: .notModified, headers: headers)
            }
            let status: HTTPResponse.Status
            let bytes: ClosedRange<Int>?
            switch ByteRange(header: request.headers[.range], size: media.size) {
            case .whole:
                status = .ok
                bytes = media.size > 0 ? 0...(media.size - 1) : nil
            case .part(let part):
                status = .partialContent
                bytes = part
                headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(media.size)"
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(media.size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            guard let bytes else { return Response(status: status, headers: headers, body: ResponseBody()) }
            let body = ResponseBody(contentLength: bytes.count) { writer in
                try await storage.read(key, range: bytes) { chunk in try await writer.write(chunk) }
                try await writer.finish(nil)
            }
            return Response(status: status, headers: headers, body: body)
        }
        return router
    }

    static let noSniff = HTTPField.Name("X-Content-Type-Options")!

    /// Images, video, audio and PDF open in the browser; anything else is downloaded.
    static func isShownInline(_ contentType: String) -> Bool {
        let type = MediaTypes.essence(contentType)
        return type.hasPrefix("image/") || type.hasPrefix("video/") || type.hasPrefix("audio/") || type == "application/pdf"
    }

    private static func refusal(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        let body = (try? JSONEncoder().encode(["error": reason])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
