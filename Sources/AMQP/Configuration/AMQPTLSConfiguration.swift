/// TLS settings for `amqps://` connections. Verification is on unless turned off explicitly.
public struct AMQPTLSConfiguration: Sendable, Hashable {
    /// PEM file of the CA(s) to trust; nil trusts the system bundle
    /// (`/etc/ssl/certs/ca-certificates.crt`).
    public var caFile: String?
    /// PEM client certificate, for brokers that require one (with `keyFile`).
    public var certificateFile: String?
    /// PEM private key of `certificateFile`.
    public var keyFile: String?
    /// Check the broker's certificate chain against the trusted CAs.
    public var verifyPeer: Bool
    /// Check that the broker's certificate names the host connected to.
    public var verifyHostname: Bool

    /// Verifying TLS against `caFile` (or the system bundle).
    public init(
        caFile: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        verifyPeer: Bool = true,
        verifyHostname: Bool = true
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.verifyPeer = verifyPeer
        self.verifyHostname = verifyHostname
    }

    /// Where Debian keeps the system's trusted CAs, used when `caFile` is nil.
    static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
}
