import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the tests' and benchmarks' child processes promise (`ChildProcess`, `RunningProcess`,
/// over swift-subprocess): a child gets nothing of this process but its standard streams, its
/// end is reported as it happened, and a daemon it leaves behind does not hold the caller.
@Suite struct ChildProcessTests {
    /// A descriptor this process holds without close-on-exec (as librabbitmq's sockets are) never
    /// reaches a child, short or long-lived.
    @Test func aChildSeesNoDescriptorOfThisProcessButItsStandardStreams() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { ends.forEach { close($0) } }
        let script = "for fd in \(ends[0]) \(ends[1]); do if [ -e /proc/$$/fd/$fd ]; then echo inherited $fd; fi; done; echo checked"

        let short = try await ChildProcess.run("/bin/sh", ["-c", script])
        #expect(short.status == 0)
        #expect(short.output == "checked\n")

        let long = try await RunningProcess(name: "descriptors", executable: "/bin/sh", arguments: ["-c", script])
        #expect(try await long.waitForExit() == .exited(0))
        #expect(long.output() == "checked\n")
    }

    @Test func anExitStatusAndASignalAreReportedAsTheyHappened() async throws {
        let failed = try await ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(failed.status == 3)
        #expect(failed.output == "out\nerr\n", "output and error interleaved as written")

        let sleeper = try await RunningProcess(name: "sleeper", executable: "/bin/sleep", arguments: ["60"])
        #expect(sleeper.isRunning)
        sleeper.terminate()
        #expect(try await sleeper.waitForExit() == .killed(by: SIGTERM))
        #expect(!sleeper.isRunning)

        let environment = try await ChildProcess.run("/bin/sh", ["-c", "echo \"$ONLY_THIS\" \"${HOME:-no home}\""], environment: ["ONLY_THIS": "given"])
        #expect(environment.output == "given no home\n", "a given environment replaces this process's")
    }

    /// A script that starts a daemon (the broker's does) returns when the script exits, with what
    /// it printed, though the daemon still holds the output open.
    @Test func aDaemonHoldingTheOutputOpenDoesNotHoldTheCaller() async throws {
        let result = try await ChildProcess.run("/bin/sh", ["-c", "sleep 60 & echo daemon $!"])
        #expect(result.status == 0)
        let pid = try #require(result.output.split(separator: " ").last.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(kill(pid, 0) == 0, "the daemon still runs")
        _ = kill(pid, SIGKILL)
    }
}
