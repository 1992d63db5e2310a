import KiamoTwitter

/// Files written.
public struct FilesReport: AdminReport {
    var action: String
    var files: [String]
    /// The report as text, one line each (see `AdminReport`).
    public var lines: [String] { files.map { "wrote \($0)" } }
}
