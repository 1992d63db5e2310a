/// An AMQP field table: message headers, and the arguments of declares, bindings and consumers.
///
/// Keys are unique; the order of entries carries no meaning in AMQP, so the table compares and
/// hashes like a dictionary.
public struct AMQPTable: Sendable, Hashable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// The entries by key.
    public var entries: [String: AMQPValue]

    /// An empty table.
    public init() { entries = [:] }

    /// A table of `entries`; a repeated key keeps its last value.
    public init(_ entries: some Sequence<(String, AMQPValue)>) {
        self.entries = Dictionary(entries, uniquingKeysWith: { _, last in last })
    }

    /// A table from a literal.
    public init(dictionaryLiteral elements: (String, AMQPValue)...) {
        self.init(elements)
    }

    /// The value under `key`, or nil; assigning nil removes the entry.
    public subscript(key: String) -> AMQPValue? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    /// True when the table has no entry.
    public var isEmpty: Bool { entries.isEmpty }

    /// How many entries the table holds.
    public var count: Int { entries.count }

    /// The entries sorted by key, for logs.
    public var description: String {
        "[" + entries.keys.sorted().map { "\($0): \(entries[$0].map { "\($0)" } ?? "")" }.joined(separator: ", ") + "]"
    }
}
