import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs other programs from tests: short commands to completion (this type), and long-running
/// children that tests stop, kill and restart (`RunningProcess`).
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let output: String
        public var description: String { "\(command) exited with \(status): \(output.suffix(2000))" }
    }

    /// `run` on a thread of its own (`OffThePool`): what an async test calls, so the seconds a
    /// script takes never hold one of Swift's cooperative threads.
    public static func runOffThePool(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> (status: Int32, output: String) {
        try await OffThePool.run("child \((executable as NSString).lastPathComponent)") {
            try run(executable, arguments, environment: environment)
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not export: looked up once by name.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private static func closeEverythingAbove2(in actions: inout posix_spawn_file_actions_t) {
        guard let addCloseFrom else { return }
        _ = addCloseFrom(&actions, 3)
    }

    /// Runs a command to completion; returns its exit status and combined output.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`, not Foundation's `Process`, whose
    /// `waitUntilExit` was seen to hang forever after a child that left daemons behind (the
    /// broker script) had already exited.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure(command: executable, status: -1, output: "pipe: \(String(cString: strerror(errno)))") }
        // Close-on-exec: children other threads spawn meanwhile must not hold the pipe open.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        // Nothing else of this process reaches the child: libcurl's and librabbitmq's sockets are
        // not close-on-exec, and a daemon this starts (the broker) would hold another test's
        // connection open for its whole life, so that test's server never saw the client close.
        closeEverythingAbove2(in: &actions)

        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw Failure(command: executable, status: -1, output: "posix_spawn: \(String(cString: strerror(spawned)))")
        }
        // Read until every writer closed the pipe, then reap the child.
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fds[0], &buffer, buffer.count)
            if count > 0 { output.append(contentsOf: buffer[0..<count]); continue }
            if count < 0, errno == EINTR { continue }
            break
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), String(decoding: output, as: UTF8.self))
    }
}
