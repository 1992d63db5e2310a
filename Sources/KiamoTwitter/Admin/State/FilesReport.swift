/// Files written.
public struct FilesReport: AdminReport {
    public var action: String
    public var files: [String]
    public var lines: [String] { files.map { "wrote \($0)" } }
}
