internal import CCurl
import Foundation
import Logging

/// One request on the transfer thread: its easy handle and header list, what libcurl has
/// delivered so far, and the continuation that awaits the outcome.
///
/// Created, used and released on the transfer thread only. libcurl reaches it from its callbacks
/// through an unretained pointer (`Unmanaged`), valid because the thread keeps the transfer alive
/// until its easy handle has left the multi handle and been cleaned up.
final class Transfer {
    let id: UInt64
    let request: PreparedRequest
    let continuation: CheckedContinuation<HTTPResponse, any Error>
    /// The easy handle (`CURL *`); invalid once `release()` ran.
    let easy: UnsafeMutableRawPointer
    private var released = false
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var body = Data()
    /// How much of the request body libcurl has read (a body sent through the read callback).
    private var sentBodyBytes = 0
    /// True once a byte of the response arrived: a rewind of the body is then a redirect's.
    private var answered = false
    /// True when libcurl asked to send the body again on a fresh connection and was refused.
    private(set) var refusedResend = false
    private var headerParser = ResponseHeaderParser()
    private var exceededSizeLimit = false
    private let logger: Logger

    /// Creates the easy handle and sets every option; on failure everything allocated is released
    /// before the error is thrown, and the caller resumes the continuation with it.
    init(
        id: UInt64,
        request: PreparedRequest,
        configuration: HTTPClient.Configuration,
        continuation: CheckedContinuation<HTTPResponse, any Error>,
        logger: Logger
    ) throws(HTTPClientError) {
        self.id = id
        self.request = request
        self.continuation = continuation
        self.logger = logger
        let bufferSize = kt_curl_error_size()
        errorBuffer = .allocate(capacity: bufferSize)
        errorBuffer.initialize(repeating: 0, count: bufferSize)
        guard let easy = curl_easy_init() else {
            errorBuffer.deallocate()
            throw .libcurlUnavailable(reason: "curl_easy_init() returned no handle (out of memory)")
        }
        self.easy = easy
        do {
            try configure(configuration)
        } catch {
            release()
            throw error
        }
    }

    deinit { release() }

    /// Frees the easy handle, the header list and the error buffer; idempotent. The easy handle
    /// must already be out of the multi handle.
    func release() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        headerList = nil
        curl_slist_free_all(resolveList)
        resolveList = nil
        errorBuffer.deallocate()
    }

    // MARK: Outcome

    /// The response of a transfer libcurl completed with CURLE_OK.
    func response() -> HTTPResponse {
        var status = 0
        _ = kt_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: headerParser.headers, body: body)
    }

    /// What is known about a transfer libcurl completed with `code` (not CURLE_OK).
    func failure(_ code: CURLcode) -> CurlFailure {
        var osErrno = 0
        var pretransfer: curl_off_t = 0
        var total: curl_off_t = 0
        _ = kt_easy_getinfo_long(easy, CURLINFO_OS_ERRNO, &osErrno)
        _ = kt_easy_getinfo_off(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        _ = kt_easy_getinfo_off(easy, CURLINFO_TOTAL_TIME_T, &total)
        var failure = CurlFailure(
            code: Int(code.rawValue),
            codeText: String(cString: curl_easy_strerror(code)),
            detail: String(cString: errorBuffer),
            systemError: osErrno == 0 ? nil : String(cString: strerror(Int32(clamping: osErrno))),
            exceededSizeLimit: exceededSizeLimit,
            reachedTransfer: pretransfer > 0,
            target: request.target,
            connectTimeout: request.connectTimeout,
            timeout: request.timeout,
            maxResponseSize: request.maxResponseSize
        )
        failure.refusedResend = refusedResend
        if let stall = request.stallSeconds {
            failure.stallTimeout = .seconds(stall)
            // Microseconds; a second's margin under the total timeout.
            failure.endedBeforeTotalTimeout = Int64(total) / 1000 + 1000 < Int64(request.timeout.roundedUpMilliseconds)
        }
        return failure
    }

    // MARK: Callbacks (called by libcurl on the transfer thread, inside curl_multi_perform)

    /// For a streamed request: whether this response's body goes to `request.receiveBody`
    /// (a 2xx), decided at its first byte, when the status is known.
    private var streaming: Bool?

    fileprivate func receiveBody(_ data: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard count > 0, let data else { return 0 }
        if let receive = request.receiveBody {
            if streaming == nil {
                var status = 0
                _ = kt_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
                streaming = (200...299).contains(status)
            }
            if streaming == true {
                receive(Data(bytes: data, count: count))
                return count
            }
        }
        guard body.count + count <= request.maxResponseSize else {
            exceededSizeLimit = true
            return 0 // anything but `count` aborts the transfer with CURLE_WRITE_ERROR
        }
        body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: count)
        return count
    }

    fileprivate func receiveHeaderLine(_ data: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard count > 0, let data else { return 0 }
        answered = true
        let bytes = UnsafeRawBufferPointer(start: data, count: count)
        headerParser.consume(line: String(decoding: bytes, as: UTF8.self))
        return count
    }

    /// Hands libcurl the next piece of the request body.
    fileprivate func sendBody(_ buffer: UnsafeMutablePointer<CChar>?, room: Int) -> Int {
        guard let buffer, room > 0 else { return 0 }
        let count = min(room, request.body.count - sentBodyBytes)
        guard count > 0 else { return 0 }
        request.body.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + sentBodyBytes, byteCount: count)
        }
        sentBodyBytes += count
        return count
    }

    /// libcurl wants to send the body again from its start. After an answer began (a 307 or 308
    /// redirect) that is allowed. Before any answer it is libcurl's silent retry of a request
    /// whose reused connection closed after the body went out: the server may have acted on it
    /// (X stored the DM), so it is refused, and the transfer fails with an outcome the caller
    /// must settle (dispatch looks in the conversation before posting again).
    fileprivate func rewindBody(offset: Int64, origin: Int32) -> Int32 {
        guard answered, offset == 0, origin == SEEK_SET else {
            refusedResend = !answered
            return 1 // CURL_SEEKFUNC_FAIL: the transfer ends with CURLE_SEND_FAIL_REWIND
        }
        sentBodyBytes = 0
        return 0 // CURL_SEEKFUNC_OK
    }

    fileprivate func receiveDebugText(_ data: UnsafeMutablePointer<CChar>?, count: Int) {
        guard count > 0, let data else { return }
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
        logger.debug(
            "libcurl: \(RequestTarget.redactingQueries(in: text.trimmingCharacters(in: .whitespacesAndNewlines)))",
            metadata: ["http.endpoint": "\(request.target.endpoint)"])
    }

    // MARK: Options

    private func configure(_ configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        let context = Unmanaged.passUnretained(self).toOpaque()

        try set(easy, CURLOPT_URL, string: request.target.url)
        // Only HTTP(S), for the request and for any redirect.
        try set(easy, CURLOPT_PROTOCOLS_STR, string: "http,https")
        try set(easy, CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https")
        // Signals are process-wide; with several threads libcurl must not use them for timeouts.
        try set(easy, CURLOPT_NOSIGNAL, 1)
        // Connections are not inherited by programs the host process spawns (see the shim).
        try check(kt_easy_setopt_cloexec_sockets(easy), "CURLOPT_OPENSOCKETFUNCTION")
        try check(kt_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")

        try check(
            kt_easy_setopt_write_cb(easy) { data, size, count, context in
                guard let context else { return 0 }
                return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().receiveBody(data, count: size * count)
            }, "CURLOPT_WRITEFUNCTION")
        try check(kt_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(
            kt_easy_setopt_header_cb(easy) { data, size, count, context in
                guard let context else { return 0 }
                return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().receiveHeaderLine(data, count: size * count)
            }, "CURLOPT_HEADERFUNCTION")
        try check(kt_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")
        if configuration.verbose {
            try check(
                kt_easy_setopt_debug_cb(easy) { _, type, data, count, context in
                    // Only libcurl's own text: header and data types could carry credentials.
                    if type == CURLINFO_TEXT, let context {
                        Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().receiveDebugText(data, count: count)
                    }
                    return 0
                }, "CURLOPT_DEBUGFUNCTION")
            try check(kt_easy_setopt_ptr(easy, CURLOPT_DEBUGDATA, context), "CURLOPT_DEBUGDATA")
            try set(easy, CURLOPT_VERBOSE, 1)
        }

        // "" offers every encoding this libcurl decodes (gzip, deflate, br, zstd on Debian) and
        // decodes the body before the write callback sees it.
        try set(easy, CURLOPT_ACCEPT_ENCODING, string: "")
        try set(easy, CURLOPT_SSL_VERIFYPEER, 1)
        try set(easy, CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundlePath = configuration.caBundlePath { try set(easy, CURLOPT_CAINFO, string: caBundlePath) }
        switch configuration.proxy {
        case .environment: break // libcurl reads http_proxy, https_proxy, all_proxy, no_proxy itself
        case .none: try set(easy, CURLOPT_PROXY, string: "") // "" switches the environment off
        case .url(let proxy): try set(easy, CURLOPT_PROXY, string: proxy)
        }
        if !request.pinnedAddresses.isEmpty {
            for entry in request.pinnedAddresses {
                guard let list = curl_slist_append(resolveList, entry) else {
                    throw .libcurlUnavailable(reason: "curl_slist_append failed (out of memory)")
                }
                resolveList = list
            }
            try check(kt_easy_setopt_slist(easy, CURLOPT_RESOLVE, resolveList), "CURLOPT_RESOLVE")
            // A proxy resolves the name itself: the pinned address would not be the one reached.
            try set(easy, CURLOPT_PROXY, string: "")
        }

        if let stallSeconds = request.stallSeconds {
            try set(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
            try set(easy, CURLOPT_LOW_SPEED_TIME, stallSeconds)
        }
        try set(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.roundedUpMilliseconds)
        try set(easy, CURLOPT_TIMEOUT_MS, request.timeout.roundedUpMilliseconds)
        // Idle keep-alive connections are probed so a dead one is noticed before it is reused.
        try set(easy, CURLOPT_TCP_KEEPALIVE, 1)
        try set(easy, CURLOPT_TCP_KEEPIDLE, 60)
        try set(easy, CURLOPT_TCP_KEEPINTVL, 30)
        // Over TLS, wait for the handshake of a connection being set up to the same host: if ALPN
        // picks HTTP/2, multiplex over it instead of opening another. Not for plain http, where
        // libcurl would wait for the first response before knowing it cannot multiplex.
        if request.target.scheme == "https" { try set(easy, CURLOPT_PIPEWAIT, 1) }
        // Refuses early a body whose Content-Length already exceeds the limit; the write callback
        // catches the rest (chunked bodies, decoded sizes).
        // Not for a stream, whose body has no end to bound (libcurl 8.4 and later count it whole).
        if request.receiveBody == nil {
            try check(kt_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseSize)), "CURLOPT_MAXFILESIZE_LARGE")
        }
        if configuration.maxRedirects > 0 {
            try set(easy, CURLOPT_FOLLOWLOCATION, 1)
            try set(easy, CURLOPT_MAXREDIRS, configuration.maxRedirects)
        }
        try set(easy, CURLOPT_USERAGENT, string: configuration.userAgent)

        for line in request.headerLines {
            guard let list = curl_slist_append(headerList, line) else {
                throw .libcurlUnavailable(reason: "curl_slist_append failed (out of memory)")
            }
            headerList = list
        }
        try check(kt_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "CURLOPT_HTTPHEADER")

        // libcurl re-sends a request, silently and whatever its method, when it went out on a
        // reused keep-alive connection that closed before a byte came back. The server may have
        // acted on the first copy (X stores the DM, then the connection drops): a POST sent twice
        // is a DM posted twice. A request that is not idempotent therefore sends its body through
        // a read callback whose rewind refuses exactly that retry (`rewindBody`): the caller sees
        // the failure and decides (dispatch checks X before posting again), and the request still
        // goes out on a kept-alive connection. (It used to take a fresh connection every time:
        // a TCP and TLS handshake for every DM, a fifth of the emulator's work in the dispatch
        // benchmark.) libcurl retries without a rewind only when no byte of the body went out,
        // so the server never had the whole request; a request with no body could be whole
        // without one, and keeps the fresh connection.
        let sendsOnce = !request.isIdempotent
        if sendsOnce, request.body.isEmpty { try set(easy, CURLOPT_FRESH_CONNECT, 1) }

        switch request.verb {
        case .get:
            try set(easy, CURLOPT_HTTPGET, 1)
        case .head:
            try set(easy, CURLOPT_NOBODY, 1)
        case .custom(let method):
            try set(easy, CURLOPT_CUSTOMREQUEST, string: method)
        case .send(let customName):
            try set(easy, CURLOPT_POST, 1)
            try check(kt_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
            if sendsOnce, !request.body.isEmpty {
                // Read from `request.body`, which this transfer holds until the end.
                let context = Unmanaged.passUnretained(self).toOpaque()
                try check(
                    kt_easy_setopt_read_cb(easy) { buffer, size, count, context in
                        guard let context else { return 0 }
                        return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().sendBody(buffer, room: size * count)
                    }, "CURLOPT_READFUNCTION")
                try check(kt_easy_setopt_ptr(easy, CURLOPT_READDATA, context), "CURLOPT_READDATA")
                try check(
                    kt_easy_setopt_seek_cb(easy) { context, offset, origin in
                        guard let context else { return 1 }
                        return Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue().rewindBody(offset: Int64(offset), origin: origin)
                    }, "CURLOPT_SEEKFUNCTION")
                try check(kt_easy_setopt_ptr(easy, CURLOPT_SEEKDATA, context), "CURLOPT_SEEKDATA")
            } else {
                // COPYPOSTFIELDS copies the bytes (size set just above), so nothing must outlive this call.
                let code = request.body.withUnsafeBytes { bytes in
                    "".withCString { empty in
                        kt_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(empty))
                    }
                }
                try check(code, "CURLOPT_COPYPOSTFIELDS")
            }
            if let customName { try set(easy, CURLOPT_CUSTOMREQUEST, string: customName) }
        }
    }

    private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(kt_easy_setopt_long(easy, option, value), "option \(option.rawValue)")
    }

    private func set(_ easy: UnsafeMutableRawPointer, _ option: CURLoption, string: String) throws(HTTPClientError) {
        try check(kt_easy_setopt_str(easy, option, string), "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ option: String) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        throw .transfer(
            host: request.target.host, port: request.target.port, curlCode: Int(code.rawValue),
            message: "libcurl refused \(option): \(String(cString: curl_easy_strerror(code)))"
        )
    }
}
