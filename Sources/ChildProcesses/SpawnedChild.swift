import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A long-lived child process, started through swift-subprocess from a task of its own that
/// reaps it when it ends: what tests and benchmarks start, signal and wait for (workers, the
/// emulator, probes, the admin tool).
///
/// swift-subprocess gives what the hand-made `posix_spawn` code did before it: nothing of this
/// process reaches the child but the three descriptors given to it (every other one is
/// close-on-exec in the child: libcurl's and librabbitmq's sockets, which a child would otherwise
/// hold open for the other side), and the child is awaited through a pidfd on swift-subprocess's
/// own I/O thread, never on Swift's cooperative pool (2 threads on 2 cores).
public final class SpawnedChild: Sendable {
    /// How a child ended.
    public enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// It could not be started (`start` threw).
        case notStarted

        public init(_ termination: TerminationStatus) {
            switch termination {
            case .exited(let code): self = .exited(code)
            case .signaled(let signal): self = .signaled(signal)
            }
        }

        /// The status as a shell reports it: the code, or 128 + the signal (-1: not started).
        public var shellStatus: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            case .notStarted: -1
            }
        }
    }

    public let pid: Int32
    private let state: State

    private final class State: Sendable {
        let ending = Mutex<Ending?>(nil)
    }

    private init(pid: Int32, state: State) {
        self.pid = pid
        self.state = state
    }

    /// Starts `executable`, its standard input, output and error on the given descriptors, which
    /// it takes (they are closed here once the child has them). Returns once the child runs.
    public static func start(
        _ executable: String, arguments: [String], environment: Environment, input: FileDescriptor, output: FileDescriptor, error: FileDescriptor
    ) async throws -> SpawnedChild {
        let state = State()
        let (started, starting) = AsyncStream<Result<Int32, any Error>>.makeStream()
        // The task lives as long as the child: swift-subprocess returns once it was reaped.
        Task.detached {
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(arguments), environment: environment,
                    input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                    output: .fileDescriptor(output, closeAfterSpawningProcess: true),
                    error: .fileDescriptor(error, closeAfterSpawningProcess: true)
                ) { execution in
                    starting.yield(.success(execution.processIdentifier.value))
                }
                state.ending.withLock { $0 = Ending(result.terminationStatus) }
            } catch {
                state.ending.withLock { $0 = .notStarted }
                starting.yield(.failure(error))
            }
            starting.finish()
        }
        var iterator = started.makeAsyncIterator()
        guard let first = await iterator.next() else { throw CancellationError() }
        return SpawnedChild(pid: try first.get(), state: state)
    }

    /// How the child ended, once it has ended and was reaped; nil while it runs.
    public var ending: Ending? { state.ending.withLock { $0 } }
    public var isRunning: Bool { ending == nil }

    /// Sends `signal` if the child still runs (a reaped child's pid may be another's by now).
    public func send(_ signal: Int32) {
        if isRunning { _ = kill(pid, signal) }
    }

    /// Descriptors for a child's streams: `/dev/null`, a file written from its start, a pipe.
    public static func null(forWriting: Bool = false) throws -> FileDescriptor {
        try FileDescriptor.open("/dev/null", forWriting ? .writeOnly : .readOnly, options: [.closeOnExec])
    }

    /// Copies of this process's standard output and error, for a child that writes where this
    /// process does.
    public static func standardOutput() throws -> FileDescriptor { try FileDescriptor.standardOutput.duplicate() }
    public static func standardError() throws -> FileDescriptor { try FileDescriptor.standardError.duplicate() }

    public static func file(_ path: String) throws -> FileDescriptor {
        try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
    }

    /// `environment` added to this process's.
    public static func environment(adding environment: [String: String]) -> Environment {
        var added: [Environment.Key: String?] = [:]
        for (name, value) in environment {
            guard let key = Environment.Key(rawValue: name) else { continue }
            added[key] = value
        }
        return .inherit.updating(added)
    }

    /// Exactly `environment`, nothing of this process's.
    public static func environment(only environment: [String: String]) -> Environment {
        .custom(Dictionary(uniqueKeysWithValues: environment.compactMap { name, value in Environment.Key(rawValue: name).map { ($0, value) } }))
    }
}
