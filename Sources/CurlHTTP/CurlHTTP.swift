// CurlHTTP: an async HTTP/1.1 and HTTP/2 client over the libcurl multi interface.
//
// Role: performs one request per `HTTPClient.execute` call, with keep-alive connection reuse per
// host, gzip/deflate decoding, TLS verified against the system CA store, proxies from the standard
// environment variables, connect and total timeouts and a response-size limit; failures are
// `HTTPClientError` values a person can act on.
//
// Threading rule: each `HTTPClient` owns one `Thread` (`TransferLoop`) that owns its multi handle
// and every easy handle; no other thread calls libcurl on them, except `curl_multi_wakeup`, which
// libcurl allows from any thread. Async callers hand requests to that thread through a
// `Mutex`-protected queue and await a continuation the thread resumes exactly once. No blocking
// call runs on Swift's cooperative pool. Only this module imports CCurl, as an `internal import`,
// so the compiler refuses any public declaration that would leak a C type.

internal import CCurl

/// Facts about the libcurl this module runs on.
public enum CurlHTTP {
    /// libcurl's version string, e.g. `libcurl/7.88.1 OpenSSL/3.0.11 zlib/1.2.13 ...`, for start-up logs.
    public static var libcurlVersion: String { String(cString: curl_version()) }

    /// The result of libcurl's one-time global initialisation, which must happen before the first
    /// handle and only once per process; a `static let` is initialised exactly once, thread-safely.
    static let globalInitialization: CURLcode = kt_global_init_default()
}
