// state-probe: a test-only executable the SharedState multi-process tests spawn, several at a
// time, on one state store (a SQLite file or a PostgreSQL database). Each mode does one thing the
// tests assert on and prints what it did, one line at a time, to standard output:
//
//   tokens  --state URL --account A --base-url URL --client-id ID --uses N [--margin-ms M] [--every-ms I]
//   claim   --state URL --account A --keys N --go PATH
//   lease   --state URL --account A --name NAME --ttl-ms T
//   cursor  --state URL --account A --start ID --batch N
//   open    --state URL --go PATH
//
// It exits when its parent (the test) goes away, so a crashed test leaves nothing running.
import Foundation

let arguments = ProbeArguments(CommandLine.arguments.dropFirst())
let watchdog = ParentWatchdog.start()
do {
    switch arguments.mode {
    case "tokens": try await TokenProbe.run(arguments)
    case "claim": try await ClaimProbe.run(arguments)
    case "lease": try await LeaseProbe.run(arguments)
    case "cursor": try await CursorProbe.run(arguments)
    case "open": try await OpenProbe.run(arguments)
    default: throw ProbeArguments.Invalid(reason: "unknown mode '\(arguments.mode)'")
    }
    exit(0)
} catch {
    ProbeOutput.line("error: \(error)")
    exit(1)
}
