import GRDB

/// Turns SQLite's result codes into `StateStoreError`s that say what to do.
enum SQLiteErrorMapping {
    /// Maps an error thrown while opening or migrating `file`.
    static func opening(_ error: any Error, file: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StateStoreError.unreadable(file: file, reason: reason(error))
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return StateStoreError.cannotOpen(file: file, reason: reason(error))
        default:
            return operation(error, file: file, operation: "opening")
        }
    }

    /// Maps an error thrown by `operation` on the open `file`.
    static func operation(_ error: any Error, file: String, operation: String) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let why: String
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            why =
                "another process held the write lock longer than the busy timeout "
                + "(raise busy_timeout_ms in the state URL, or look for a stuck process)"
        case .SQLITE_FULL:
            why = "the disk is full: free space on the volume holding the file"
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return StateStoreError.unreadable(file: file, reason: reason(error))
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            why = "\(reason(error)): check the file's permissions and that its volume is writable"
        default:
            why = reason(error)
        }
        return StateStoreError.database(file: file, operation: operation, reason: why)
    }

    /// SQLite's own words (never carries bound values, so no secret).
    private static func reason(_ error: DatabaseError) -> String {
        error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
    }
}
