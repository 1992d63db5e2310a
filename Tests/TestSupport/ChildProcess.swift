import ChildProcesses
import Foundation
import Subprocess
import SystemPackage

/// Runs other programs from tests: short commands to completion (this type), and long-running
/// children that tests stop, kill and restart (`RunningProcess`). Both spawn through
/// swift-subprocess, which gives what the hand-made `posix_spawn` code here used to guarantee
/// (`SpawnedChild` says how): nothing of this process reaches the child but its three standard
/// streams (a daemon this starts, the broker, would otherwise hold another test's connection open
/// for its whole life), and nothing blocks Swift's cooperative threads (on 2 cores the pool has
/// 2, and a test waiting seconds for a script there would stall every other test's timers).
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let output: String
        public var description: String { "\(command) exited with \(status): \(output.suffix(2000))" }
    }

    /// The most output a command may print before it is an error (a test's scripts print lines).
    static let outputLimit = 64 << 20

    /// Runs a command to completion; returns its exit status (128 + the signal for a child ended
    /// by one, as a shell reports it) and its standard output and error interleaved as written.
    /// `environment` replaces this process's environment when given.
    ///
    /// Reading stops when the child exits even if a daemon it started still holds the output open
    /// (swift-subprocess drains what was written, then stops waiting for an end of file).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> (status: Int32, output: String) {
        let result: ExecutionResult<Void, BytesOutput, CombinedErrorOutput>
        do {
            result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), environment: environment.map(SpawnedChild.environment(only:)) ?? .inherit,
                input: .none, output: .bytes(limit: outputLimit), error: .combinedWithOutput)
        } catch {
            throw Failure(command: executable, status: -1, output: "could not run: \(error)")
        }
        return (SpawnedChild.Ending(result.terminationStatus).shellStatus, String(decoding: result.standardOutput, as: UTF8.self))
    }

}
