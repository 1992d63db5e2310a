// KiamoTwitter: the core of the workers. Kiamo formats (message, send command, delivery report),
// the mapping from X events, configuration, the AMQP topology, and the ingest and dispatch engines.
//
// Engines take protocols (a DM source, a publisher, the state roles each uses) so their decisions
// are tested with small fakes; the executables wire them to XAPI, AMQP and SharedState. `State/`
// joins the X client to the state module, which knows no X client: `SharedOAuth2TokenStore` and
// the conversions between XAPI's types and the state's records. Nothing here touches a C library
// directly: the HTTP and AMQP modules own their threads.

/// Names shared by every part of kiamo-twitter.
public enum KiamoTwitter {
    /// The version reported in logs, `--version` and the AMQP client properties.
    public static let version = "0.1.0"
}
