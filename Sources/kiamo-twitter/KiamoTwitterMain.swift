// kiamo-twitter: the command-line tester and admin tool. Thin by design: each command parses its
// options and calls an operation of KiamoTwitter's Admin folder, which does the work and returns
// a report printed as text or JSON (`--json`).
//
// Exit codes: 0 success, 1 an operation failed (X, the broker or the state store said no),
// 2 a wrong command line or configuration. Errors are one line on standard error.

import ArgumentParser
import Foundation

@main
enum KiamoTwitterMain {
    static func main() async {
        do {
            var command = try KiamoTwitterCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(status(for: error))
        }
        exit(0)
    }

    /// Prints what `error` needs and returns the exit status: help and version on standard
    /// output (0), a command-line error as one line on standard error (2), an `ExitCode` our
    /// commands threw after printing their own message as is.
    static func status(for error: any Error) -> Int32 {
        if let code = error as? ExitCode { return code.rawValue }
        let code = KiamoTwitterCommand.exitCode(for: error)
        if code == .success {
            print(KiamoTwitterCommand.fullMessage(for: error))
            return 0
        }
        Output.error("\(KiamoTwitterCommand.message(for: error)) (see `kiamo-twitter --help`)")
        return 2
    }
}
