extension HTTPClient {
    /// Which proxy, if any, requests go through.
    public enum ProxySetting: Sendable, Hashable {
        /// libcurl's standard behaviour: `http_proxy` for http URLs, `https_proxy` (or `HTTPS_PROXY`)
        /// for https URLs, `all_proxy` otherwise, and no proxy for the hosts in `no_proxy`. The
        /// upper-case `HTTP_PROXY` is ignored on purpose (a CGI environment may set it from a header).
        case environment
        /// Connect directly, whatever the environment says.
        case none
        /// Use this proxy for every request (e.g. `http://proxy.example:3128`), still honouring
        /// `no_proxy`. It may hold credentials; they never appear in errors or logs.
        case url(String)
    }
}
