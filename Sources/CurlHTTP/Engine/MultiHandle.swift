internal import CCurl

/// The libcurl multi handle (`CURLM *`) of one `TransferLoop`, configured for connection reuse.
///
/// `@unchecked Sendable` because the pointer crosses threads: the loop's thread does everything
/// with it, other threads only call `curl_multi_wakeup` (thread-safe by libcurl's contract) under
/// the loop's lock, and `cleanup()` runs on the loop's thread after that lock says no one will.
struct MultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer

    init(configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        let initialized = CurlHTTP.globalInitialization
        guard initialized == CURLE_OK else {
            throw .libcurlUnavailable(reason: "curl_global_init failed: \(String(cString: curl_easy_strerror(initialized)))")
        }
        guard let pointer = curl_multi_init() else {
            throw .libcurlUnavailable(reason: "curl_multi_init() returned no handle (out of memory)")
        }
        self.pointer = pointer
        // Requests beyond the per-host limit wait in libcurl's queue instead of opening connections;
        // finished connections stay in the cache for reuse, up to the idle limit.
        let options: [(CURLMoption, Int, String)] = [
            (CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost, "CURLMOPT_MAX_HOST_CONNECTIONS"),
            (CURLMOPT_MAXCONNECTS, configuration.maxIdleConnections, "CURLMOPT_MAXCONNECTS"),
            (CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX), "CURLMOPT_PIPELINING"),
        ]
        for (option, value, name) in options {
            let code = kt_multi_setopt_long(pointer, option, value)
            guard code == CURLM_OK else {
                curl_multi_cleanup(pointer)
                throw .libcurlUnavailable(reason: "libcurl refused \(name)=\(value): \(String(cString: curl_multi_strerror(code)))")
            }
        }
    }

    /// Closes every cached connection and frees the handle; call once, with no easy handle left in it.
    func cleanup() {
        _ = curl_multi_cleanup(pointer)
    }
}
