import CurlHTTP
import Logging

/// One HTTP exchange with X, timed and logged, with transport failures made `XAPIError.transient`.
///
/// The debug line names the operation, method, path (never the query or a header), status,
/// duration and the rate-limit budget left: nothing secret.
struct XCall: Sendable {
    let transport: any XHTTPTransport
    let logger: Logger

    func send(_ request: HTTPRequest, operation: XOperation) async throws -> HTTPResponse {
        let clock = ContinuousClock()
        let start = clock.now
        let path = Self.pathOnly(request.url)
        // CurlHTTP guarantees secret-free descriptions (host and port, never headers or queries).
        func failure(_ cause: String, unreachable: Bool = false) -> XAPIError {
            logger.debug(
                "X call failed",
                metadata: [
                    "operation": "\(operation)", "method": "\(request.method)", "path": "\(path)",
                    "duration_ms": "\(Self.milliseconds(clock.now - start))", "cause": "\(cause)",
                ])
            return .transient(operation: operation, cause: unreachable ? .unreachable(cause) : .network(cause), rateLimit: nil)
        }
        let response: HTTPResponse
        do {
            response = try await transport.execute(request)
        } catch let error as CancellationError {
            throw error
        } catch let error as XAPIError {
            throw error
        } catch let error as HTTPClientError {
            switch error {
            case .invalidURL, .invalidRequest:
                // Nothing was sent and the same request would fail the same way: not transient.
                throw XAPIError.invalidArgument(operation: operation, argument: "request", reason: error.description)
            case .tooLarge(let limit):
                // The same request gets the same answer: too large for the caller's limit.
                throw XAPIError.invalidArgument(operation: operation, argument: "maxBytes", reason: "X's answer is larger than \(limit) bytes")
            case .resolve, .connect, .timeout(.connect, _, _, _, _):
                // No connection was made: the request never left, whatever it asked.
                throw failure(String(describing: error), unreachable: true)
            default:
                throw failure(String(describing: error))
            }
        } catch {
            // An unknown transport's error may say anything: described by its type only.
            throw failure("\(type(of: error))")
        }
        let remaining = RateLimitInfo(headers: response.headers)?.remaining.map(String.init) ?? "-"
        logger.debug(
            "X call",
            metadata: [
                "operation": "\(operation)", "method": "\(request.method)", "path": "\(path)",
                "status": "\(response.status)", "duration_ms": "\(Self.milliseconds(clock.now - start))",
                "rate_limit_remaining": "\(remaining)",
            ])
        return response
    }

    /// The URL without its query: queries hold user input, paths are enough to tell calls apart.
    static func pathOnly(_ url: String) -> Substring {
        let withoutQuery = url.prefix { $0 != "?" }
        guard let schemeEnd = withoutQuery.range(of: "://") else { return withoutQuery }
        let afterScheme = withoutQuery[schemeEnd.upperBound...]
        return afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.wholeMilliseconds
    }
}
