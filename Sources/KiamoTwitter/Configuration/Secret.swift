/// A credential read from the configuration: the value is reachable only through `reveal()`, and
/// every textual form of it (`description`, `debugDescription`, reflection) is `****`, so a secret
/// interpolated into a log line, an error or a report never leaks.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself, for the one place that must send it (a signer, a connection).
    public func reveal() -> String { value }

    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "****" }
    public var debugDescription: String { "Secret(****)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
