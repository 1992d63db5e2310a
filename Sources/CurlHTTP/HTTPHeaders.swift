/// Header fields of a request or a response, in the order they were given or received.
///
/// Names are looked up case-insensitively and repeated names are kept (a response may carry several
/// `Set-Cookie` or `Link` lines), as RFC 9110 requires.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// One field: its name as given and its value.
    public typealias Element = (name: String, value: String)

    private var entries: [Entry]

    private struct Entry: Sendable, Hashable {
        var name: String
        var lowercasedName: String
        var value: String
    }

    /// No fields.
    public init() { entries = [] }

    /// The given `(name, value)` fields, in order, repeated names kept.
    public init(_ pairs: [(String, String)]) {
        entries = pairs.map { Entry(name: $0.0, lowercasedName: $0.0.lowercased(), value: $0.1) }
    }

    /// `["Accept": "application/json"]`: the literal's fields, in order.
    public init(dictionaryLiteral elements: (String, String)...) { self.init(elements) }

    /// The first value for `name`, compared case-insensitively, or `nil`.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return entries.first { $0.lowercasedName == key }?.value
    }

    /// Every value for `name`, compared case-insensitively, in order.
    public func values(for name: String) -> [String] {
        let key = name.lowercased()
        return entries.filter { $0.lowercasedName == key }.map(\.value)
    }

    /// Whether a field named `name` (compared case-insensitively) is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a field, keeping any earlier one of the same name.
    public mutating func add(name: String, value: String) {
        entries.append(Entry(name: name, lowercasedName: name.lowercased(), value: value))
    }

    /// Replaces every field of that name with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field named `name`, compared case-insensitively.
    public mutating func remove(name: String) {
        let key = name.lowercased()
        entries.removeAll { $0.lowercasedName == key }
    }

    /// The number of fields, repeated names counted each time.
    public var count: Int { entries.count }

    /// The fields in order, with their names as given.
    public func makeIterator() -> some IteratorProtocol<Element> {
        entries.lazy.map { (name: $0.name, value: $0.value) }.makeIterator()
    }
}
