import Synchronization
import TestSupport

/// Remembers the requests a `LoopbackHTTPServer` handler saw, for assertions on what was sent.
final class RequestRecorder: Sendable {
    private let requests = Mutex<[LoopbackHTTPServer.Request]>([])

    func record(_ request: LoopbackHTTPServer.Request) { requests.withLock { $0.append(request) } }

    var all: [LoopbackHTTPServer.Request] { requests.withLock { $0 } }
}
