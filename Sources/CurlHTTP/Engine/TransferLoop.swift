internal import CCurl
import Foundation
import Logging
import Synchronization

/// The thread that owns libcurl for one `HTTPClient`, and the queue async callers reach it through.
///
/// Callers (any thread, the cooperative pool included) only take the mutex, which guards plain
/// Swift values, and call `curl_multi_wakeup`, which never blocks. The thread owns the multi
/// handle and every easy handle: it adds submitted transfers, drives them with
/// `curl_multi_perform`, resumes the continuation of each finished one, and sleeps in
/// `curl_multi_poll` until a socket, a libcurl timer or a wake-up needs it.
///
/// Each request id goes through `reserved → queued → running → (gone)`; whoever removes an id from
/// `phases` resumes its continuation, and only once: the submitter (cancelled or shut down before
/// queueing), the canceller (still queued), `shutdown()` (still queued) or the thread (running).
final class TransferLoop: Sendable {
    private let state: Mutex<State>
    private let multi: MultiHandle
    private let configuration: HTTPClient.Configuration
    private let logger: Logger

    init(configuration: HTTPClient.Configuration, logger: Logger) throws(HTTPClientError) {
        self.configuration = configuration
        self.logger = logger
        multi = try MultiHandle(configuration: configuration)
        state = Mutex(State())
    }

    /// Starts the thread; call once.
    func start() {
        let thread = Thread { [self] in
            run()
        }
        thread.name = "kiamo.http"
        thread.start()
    }

    // MARK: Callers' side

    /// Takes an id for a request about to be submitted, so a cancellation arriving before the
    /// submission is remembered; throws `.shutdown` once the client is shut down.
    func reserve() throws(HTTPClientError) -> UInt64 {
        try state.withLock { state throws(HTTPClientError) in
            guard !state.stopping else { throw .shutdown }
            state.nextID &+= 1
            state.phases[state.nextID] = .reserved
            return state.nextID
        }
    }

    /// Hands a reserved request to the thread, or resumes `continuation` at once when it was
    /// cancelled before getting here or the client shut down meanwhile.
    func submit(_ id: UInt64, _ request: PreparedRequest, _ continuation: CheckedContinuation<HTTPResponse, any Error>) {
        let refusal: (any Error)? = state.withLock { state in
            if case .cancelledBeforeSubmission = state.phases[id] {
                state.phases[id] = nil
                return CancellationError()
            }
            if state.stopping {
                state.phases[id] = nil
                return HTTPClientError.shutdown
            }
            state.phases[id] = .queued
            state.submissions.append(Submission(id: id, request: request, continuation: continuation))
            wakeUp(state)
            return nil
        }
        if let refusal { continuation.resume(throwing: refusal) }
    }

    /// Cancels request `id` wherever it is; a finished request is left alone.
    func cancel(_ id: UInt64) {
        let dequeued: Submission? = state.withLock { state in
            switch state.phases[id] {
            case .reserved:
                state.phases[id] = .cancelledBeforeSubmission
                return nil
            case .queued:
                state.phases[id] = nil
                guard let index = state.submissions.firstIndex(where: { $0.id == id }) else { return nil }
                return state.submissions.remove(at: index)
            case .running:
                state.cancellations.append(id)
                wakeUp(state)
                return nil
            case .cancelledBeforeSubmission, nil:
                return nil
            }
        }
        dequeued?.continuation.resume(throwing: CancellationError())
    }

    /// Fails every queued request with `.shutdown` now and tells the thread to fail the running
    /// ones, free every handle and end; later calls to `reserve` throw `.shutdown`. Returns at once.
    func shutdown() {
        let dropped: [Submission] = state.withLock { state in
            guard !state.stopping else { return [] }
            state.stopping = true
            let dropped = state.submissions
            state.submissions.removeAll()
            for submission in dropped { state.phases[submission.id] = nil }
            wakeUp(state)
            return dropped
        }
        for submission in dropped { submission.continuation.resume(throwing: HTTPClientError.shutdown) }
    }

    /// Requests submitted and not yet answered.
    var inFlightCount: Int { state.withLock { $0.phases.count } }
    /// Easy handles allocated and not yet cleaned up.
    var liveHandleCount: Int { state.withLock { $0.liveHandles } }
    /// True until the thread has freed the multi handle and ended.
    var isRunning: Bool { state.withLock { $0.multiAlive } }

    /// Interrupts `curl_multi_poll`. Called with the lock held, so the multi handle cannot be
    /// freed meanwhile: the thread clears `multiAlive` under the same lock before freeing it.
    private func wakeUp(_ state: State) {
        guard state.multiAlive else { return }
        _ = curl_multi_wakeup(multi.pointer)
    }

    // MARK: The thread

    private func run() {
        var transfers: [UInt64: Transfer] = [:]
        var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]
        logger.debug("HTTP transfer thread started", metadata: ["libcurl": "\(CurlHTTP.libcurlVersion)"])

        func finish(_ id: UInt64, with result: Result<HTTPResponse, any Error>) {
            guard let transfer = transfers.removeValue(forKey: id) else { return }
            idsByHandle[transfer.easy] = nil
            _ = curl_multi_remove_handle(multi.pointer, transfer.easy)
            transfer.release()
            state.withLock { state in
                state.phases[id] = nil
                state.liveHandles -= 1
            }
            transfer.continuation.resume(with: result)
        }

        while true {
            let work = state.withLock { state in
                let work = Work(submissions: state.submissions, cancellations: state.cancellations, stopping: state.stopping)
                state.submissions.removeAll()
                state.cancellations.removeAll()
                for submission in work.submissions { state.phases[submission.id] = .running }
                state.liveHandles += work.submissions.count
                return work
            }

            for submission in work.submissions {
                do {
                    let transfer = try Transfer(
                        id: submission.id, request: submission.request, configuration: configuration,
                        continuation: submission.continuation, logger: logger
                    )
                    transfers[submission.id] = transfer
                    idsByHandle[transfer.easy] = submission.id
                    let added = curl_multi_add_handle(multi.pointer, transfer.easy)
                    if added != CURLM_OK {
                        let target = submission.request.target
                        finish(
                            submission.id,
                            with: .failure(
                                HTTPClientError.transfer(
                                    host: target.host, port: target.port, curlCode: Int(added.rawValue),
                                    message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))"
                                )))
                    }
                } catch {
                    state.withLock { state in
                        state.phases[submission.id] = nil
                        state.liveHandles -= 1
                    }
                    submission.continuation.resume(throwing: error)
                }
            }
            for id in work.cancellations {
                finish(id, with: .failure(CancellationError()))
            }
            if work.stopping {
                for id in Array(transfers.keys) { finish(id, with: .failure(HTTPClientError.shutdown)) }
                break
            }

            var running: Int32 = 0
            let performed = curl_multi_perform(multi.pointer, &running)
            if performed != CURLM_OK {
                logger.warning("curl_multi_perform failed", metadata: ["curl.multi_code": "\(performed.rawValue)"])
            }
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi.pointer, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let id = idsByHandle[easy], let transfer = transfers[id]
                else { continue }
                let code = message.pointee.data.result
                if code == CURLE_OK {
                    finish(id, with: .success(transfer.response()))
                } else {
                    let failure = transfer.failure(code)
                    logger.debug(
                        "HTTP request failed",
                        metadata: [
                            "http.method": "\(transfer.request.method)",
                            "http.endpoint": "\(transfer.request.target.endpoint)",
                            "http.path": "\(transfer.request.target.path)",
                            "curl.code": "\(failure.code)",
                        ])
                    finish(id, with: .failure(failure.error))
                }
            }

            // Returns early on socket activity, on libcurl's own next timer, or on a wake-up.
            let polled = curl_multi_poll(multi.pointer, nil, 0, 1000, nil)
            if polled != CURLM_OK {
                logger.warning("curl_multi_poll failed", metadata: ["curl.multi_code": "\(polled.rawValue)"])
            }
        }

        state.withLock { $0.multiAlive = false }
        multi.cleanup()
        logger.debug("HTTP transfer thread ended")
    }
}

extension TransferLoop {
    /// Where a request id stands; see the type's documentation.
    enum Phase: Sendable {
        case reserved
        case cancelledBeforeSubmission
        case queued
        case running
    }

    /// A request handed over by a caller, waiting for the thread.
    struct Submission: Sendable {
        let id: UInt64
        let request: PreparedRequest
        let continuation: CheckedContinuation<HTTPResponse, any Error>
    }

    /// What the thread takes from the queue in one turn.
    struct Work {
        let submissions: [Submission]
        let cancellations: [UInt64]
        let stopping: Bool
    }

    /// Everything callers and the thread share, guarded by the mutex.
    struct State {
        var nextID: UInt64 = 0
        var phases: [UInt64: Phase] = [:]
        var submissions: [Submission] = []
        var cancellations: [UInt64] = []
        var stopping = false
        var multiAlive = true
        var liveHandles = 0
    }
}
