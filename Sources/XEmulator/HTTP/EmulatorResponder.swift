import HTTPTypes
import Hummingbird
import NIOCore

/// The Hummingbird responder of the emulator: converts each request for `EmulatorService` and
/// its outcome back, closing the connection for a `drop` fault.
public struct EmulatorResponder: HTTPResponder {
    /// The context that keeps the connection, for `drop` faults.
    public typealias Context = EmulatorRequestContext

    /// Bodies above this size are refused with 413 before any handler runs (media uploads take
    /// more: `Route.maximumBodySize`).
    static let maximumBodySize = 1 << 20

    let service: EmulatorService

    /// X's answer to `request`; throws only after closing the connection for a `drop` fault.
    public func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let target = request.head.path ?? "/"
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        let limit = Self.maximumBodySize(method: request.method.rawValue, path: path)
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            return Self.response(XErrors.blank(413))
        }
        let emulatorRequest = EmulatorRequest(
            method: request.method.rawValue,
            target: target,
            headers: request.headers.map { ($0.name.canonicalName, $0.value) },
            authority: request.head.authority,
            body: Array(buffer: body))
        switch await service.handle(emulatorRequest) {
        case .respond(let response):
            return Self.response(response)
        case .drop:
            try? await context.channel.close()
            throw ConnectionDropped()
        case .stream(let session):
            // The slot is freed as soon as the client goes, not at the next write that fails.
            let channel = context.channel
            session.onDrop { channel.close(promise: nil) }
            channel.closeFuture.whenComplete { _ in session.finish() }
            channel.pipeline.addHandler(StreamHangUpHandler(), position: .first).whenFailure { _ in session.finish() }
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            return Response(status: .ok, headers: fields, body: ResponseBody { writer in try await session.run(writer: &writer) })
        }
    }

    /// The largest body a request may have: more for media uploads (`Route.maximumBodySize`) and
    /// for the control API's DMs, whose attachment may carry a photo or GIF as base64.
    static func maximumBodySize(method: String, path: String) -> Int {
        if method == "POST", path == ControlAPI.prefix + "/dms" { return ControlAPI.maximumDMBodySize }
        return Route.match(method: method, path: path)?.maximumBodySize ?? maximumBodySize
    }

    /// Thrown after a `drop` fault closed the connection, so nothing is written.
    struct ConnectionDropped: Error {}

    static func response(_ response: EmulatorResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        if response.status != 302 || !response.body.isEmpty { fields[.contentLength] = String(response.body.count) }
        return Response(
            status: HTTPResponse.Status(code: response.status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}
