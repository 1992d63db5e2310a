/// How the PostgreSQL state store protects its connections (`sslmode` in the state URL, with
/// libpq's names and meanings).
public enum PostgresSSLMode: String, Sendable, Hashable, CaseIterable {
    /// Plain TCP: only on a trusted network (loopback, a private container network).
    case disable
    /// TLS when the server offers it, plain otherwise, without checking the certificate (libpq's
    /// default, so a URL that works with `psql` works here).
    case prefer
    /// TLS always, without checking the certificate: protects against eavesdropping, not against
    /// a server that impersonates the real one.
    case require
    /// TLS always, the certificate checked against `sslrootcert` (or the system's roots) and the
    /// host name: the mode for a database reached over a network you do not control.
    case verifyFull = "verify-full"
}
