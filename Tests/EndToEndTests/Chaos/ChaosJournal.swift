/// What a seed's run actually did and when: the schedule says what was planned, the journal what
/// happened (a step runs late when the one before took long, and a step can fail).
actor ChaosJournal {
    private var lines: [String] = []

    func note(_ line: String) {
        lines.append(line)
    }

    var text: String { lines.map { "  \($0)" }.joined(separator: "\n") }
}
