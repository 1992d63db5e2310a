/// One setting of the configuration: its path in the file, its environment variable, its type,
/// its default and what it does. `ConfigurationKey.all` is the single list the loader validates
/// against and the README and `--help` are written from.
public struct ConfigurationKey: Sendable {
    /// How a value is read and checked.
    public enum Kind: Sendable, Equatable {
        case string
        /// A credential: masked everywhere, also readable from the file named by `<ENV>_FILE`.
        case secret
        case integer(ClosedRange<Int>)
        /// A duration: seconds as a number (`5`, `0.5`) or with a unit (`500ms`, `10s`, `2m`, `1h`, `1d`).
        case duration
        case boolean
        case choice([String])
        /// A list of durations separated by commas (`1s,10s,1m`).
        case durations
    }

    /// Dotted path in the file (`dispatch.maxAttempts`); account keys are `accounts[].userId`.
    public let path: String
    /// Environment variable that overrides the file; for account keys it applies to the first account.
    public let environment: String?
    public let kind: Kind
    /// Textual default, or `nil` when the setting has none (required, or optional and absent).
    public let defaultValue: String?
    public let summary: String

    public init(_ path: String, env: String? = nil, _ kind: Kind, default defaultValue: String? = nil, _ summary: String) {
        self.path = path
        self.environment = env
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// True for the keys of one entry of `accounts`.
    public var isAccountKey: Bool { path.hasPrefix(Self.accountPrefix) }

    /// The key's name inside an account entry (`userId` for `accounts[].userId`).
    public var accountField: String { String(path.dropFirst(Self.accountPrefix.count)) }

    static let accountPrefix = "accounts[]."

    public var isSecret: Bool { kind == .secret }

    /// How the README and `--help` name the type.
    public var typeDescription: String {
        switch kind {
        case .string: "string"
        case .secret: "secret"
        case .integer(let range): "integer \(range.lowerBound)...\(range.upperBound)"
        case .duration: "duration"
        case .boolean: "boolean"
        case .choice(let values): values.joined(separator: " | ")
        case .durations: "durations"
        }
    }
}
