/// One field of a transferred record: what every backend can store and compare exactly.
///
/// Times travel as integer milliseconds since 1970 and DM event ids as integers, as the SQLite
/// schema stores them, so a record read from one backend and written to the other compares equal
/// when read back.
public enum StateValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
}
