import Foundation
import TestSupport

/// Starts the `state-probe` executable (built with the tests) in one of its modes.
enum ProbeProcess {
    /// `environment` is added to this process's (the token mode reads its client secret there).
    static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> RunningProcess {
        try await RunningProcess(name: name, executable: PackagePaths.executable("state-probe"), arguments: arguments, environment: environment)
    }

    /// Runs a probe mode to completion and returns its last output line.
    static func run(_ name: String, _ arguments: [String], timeout: Duration = .seconds(30)) async throws -> String {
        let probe = try await start(name, arguments)
        let exit = try await probe.waitForExit(timeout: timeout)
        guard exit == .exited(0), let last = probe.lines().last else {
            throw ProbeFailed(name: name, exit: exit, output: probe.output())
        }
        return last
    }

    /// The JSON object a probe printed as its last line.
    static func summary(of probe: RunningProcess) throws -> [String: Any] {
        guard let line = probe.lines().last(where: { $0.hasPrefix("{") }),
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { throw ProbeFailed(name: probe.name, exit: nil, output: probe.output()) }
        return object
    }

    struct ProbeFailed: Error, CustomStringConvertible {
        let name: String
        let exit: RunningProcess.Exit?
        let output: String
        var description: String { "\(name) \(exit.map { "\($0)" } ?? "printed no summary"): \(output.suffix(2000))" }
    }
}
