/// How one run of `kiamo-twitter` ended: exit status and both output streams, apart.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Standard error's non-empty lines.
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }

    var description: String { "exit \(status)\n--- stdout\n\(stdout.suffix(3000))\n--- stderr\n\(stderr.suffix(3000))" }
}
