import Foundation

/// What the transfer thread knows about a failed transfer, as plain values, and the
/// `HTTPClientError` it means. Kept apart from the I/O so the mapping is tested without a network.
///
/// Codes are libcurl's `CURLcode` numbers (stable across libcurl versions, see `curl/curl.h`).
struct CurlFailure: Sendable, Hashable {
    /// `CURLcode` of the finished transfer.
    var code: Int
    /// `curl_easy_strerror(code)`: the generic text for the code.
    var codeText: String
    /// `CURLOPT_ERRORBUFFER`: libcurl's specific message for this transfer, often empty.
    var detail: String
    /// `CURLINFO_OS_ERRNO` rendered by `strerror`, when the failure came from a system call.
    var systemError: String?
    /// True when the write callback refused the body because it crossed `maxResponseSize`.
    var exceededSizeLimit: Bool
    /// True when the transfer got past connecting (`CURLINFO_PRETRANSFER_TIME_T` > 0): tells a
    /// connect timeout from a total one.
    var reachedTransfer: Bool
    var target: RequestTarget
    var connectTimeout: Duration
    var timeout: Duration
    var maxResponseSize: Int
    /// The stall timeout of a streamed request, and whether the transfer ended well before its
    /// total timeout: then a timeout is the stall's.
    var stallTimeout: Duration? = nil
    var endedBeforeTotalTimeout = false
    /// True when libcurl wanted to send a request that is not idempotent a second time, on a
    /// fresh connection, because its reused one closed after the body went out and before any
    /// answer; refused (`CURLE_SEND_FAIL_REWIND`).
    var refusedResend = false

    /// The error this failure means for the caller.
    var error: HTTPClientError {
        let host = target.host, port = target.port
        if refusedResend {
            return .connectionLost(
                host: host, port: port, curlCode: code,
                message: "the connection closed after the request went out and before any answer; not sent again, since the server may have acted on it")
        }
        switch code {
        case Code.unsupportedProtocol, Code.urlMalformat:
            return .invalidURL(reason: "\(message) (\(RequestTarget.redacted(target.url)))")
        case Code.couldntResolveProxy:
            return .resolve(host: host, proxy: true, curlCode: code, message: message)
        case Code.couldntResolveHost:
            return .resolve(host: host, proxy: false, curlCode: code, message: message)
        case Code.couldntConnect:
            return .connect(host: host, port: port, curlCode: code, message: systemError ?? message)
        case Code.operationTimedOut:
            if reachedTransfer, let stallTimeout, endedBeforeTotalTimeout {
                return .timeout(.stall, host: host, port: port, limit: stallTimeout, curlCode: code)
            }
            return reachedTransfer
                ? .timeout(.total, host: host, port: port, limit: timeout, curlCode: code)
                : .timeout(.connect, host: host, port: port, limit: min(connectTimeout, timeout), curlCode: code)
        case Code.writeError where exceededSizeLimit, Code.filesizeExceeded:
            return .tooLarge(limit: maxResponseSize)
        case _ where Code.tls.contains(code):
            return .tls(host: host, port: port, curlCode: code, message: message)
        case _ where Code.connectionLost.contains(code):
            return .connectionLost(host: host, port: port, curlCode: code, message: message)
        default:
            return .transfer(host: host, port: port, curlCode: code, message: message)
        }
    }

    /// libcurl's specific message when it gave one, else the code's text; never the query string.
    var message: String {
        var text = detail.trimmingHTTPWhitespace
        while let last = text.last, last.isNewline { text.removeLast() }
        if text.isEmpty { return codeText }
        // libcurl messages name hosts, not URLs; should one ever quote the URL, cut its query off.
        if let query = target.url.firstIndex(of: "?") {
            text = text.replacingOccurrences(of: String(target.url[query...]), with: "?…")
        }
        return text
    }

    /// The `CURLcode` numbers the mapping distinguishes.
    enum Code {
        static let unsupportedProtocol = 1
        static let urlMalformat = 3
        static let couldntResolveProxy = 5
        static let couldntResolveHost = 6
        static let couldntConnect = 7
        static let http2 = 16
        static let partialFile = 18
        static let writeError = 23
        static let operationTimedOut = 28
        static let gotNothing = 52
        static let sendError = 55
        static let recvError = 56
        static let filesizeExceeded = 63
        static let http2Stream = 92

        /// SSL_CONNECT_ERROR 35, SSL_ENGINE_* 53 54 66, SSL_CERTPROBLEM 58, SSL_CIPHER 59,
        /// PEER_FAILED_VERIFICATION 60, USE_SSL_FAILED 64, SSL_CACERT_BADFILE 77,
        /// SSL_SHUTDOWN_FAILED 80, SSL_CRL_BADFILE 82, SSL_ISSUER_ERROR 83,
        /// SSL_PINNEDPUBKEYNOTMATCH 90, SSL_INVALIDCERTSTATUS 91, SSL_CLIENTCERT 98.
        static let tls: Set<Int> = [35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98]
        /// The peer went away mid-exchange: nothing received, send or receive failed, body cut
        /// short, HTTP/2 connection or stream broken.
        static let connectionLost: Set<Int> = [http2, partialFile, gotNothing, sendError, recvError, http2Stream]
    }
}
