import Foundation
import Synchronization

// kiamo-bench NAME: one benchmark, JSON lines on standard output. Run it through scripts/bench,
// which builds in release mode and starts the private broker first.

/// Every benchmark, by name. Each lives in a file of its own named after its type.
let benchmarks: [any Benchmark.Type] = [
    AMQPBenchmark.self,
    EmulatorBenchmark.self,
    StateBenchmark.self,
    IngestBenchmark.self,
    DispatchBenchmark.self,
    RealtimeBenchmark.self,
]

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--list" {
    for benchmark in benchmarks { print("\(benchmark.name)\t\(benchmark.summary)") }
    exit(0)
}
guard let name = arguments.first else {
    FileHandle.standardError.write(Data("usage: kiamo-bench NAME | --list | amqp-client URL publish|consume QUEUE N\n".utf8))
    exit(2)
}

/// Runs `work` and exits with its status. No top-level `await`: an async main parks the main
/// thread in libdispatch's signal loop, which valgrind 3.19 cannot run, and `scripts/bench
/// --instructions` runs this program under callgrind. The main thread waits on a semaphore; the
/// work runs on Swift's pool as ever.
func runToExit(_ label: String, _ work: @escaping @Sendable () async throws -> Void) -> Never {
    let finished = DispatchSemaphore(value: 0)
    let status = Mutex<Int32>(0)
    Task {
        do {
            try await work()
        } catch {
            FileHandle.standardError.write(Data("kiamo-bench \(label): \(error)\n".utf8))
            status.withLock { $0 = 1 }
        }
        finished.signal()
    }
    finished.wait()
    exit(status.withLock { $0 })
}

if name == "amqp-client" {
    // Not a benchmark: the Swift client's side of `amqp`, for scripts/bench --instructions.
    runToExit(name) { try await AMQPClientProgram.run(Array(arguments.dropFirst())) }
}
guard let benchmark = benchmarks.first(where: { $0.name == name }) else {
    FileHandle.standardError.write(Data("kiamo-bench \(name): \(BenchError.unknown(name))\n".utf8))
    exit(1)
}
let run: @Sendable (BenchContext) async throws -> Void = { try await benchmark.run($0) }
runToExit(name) { try await run(try BenchContext.fromEnvironment()) }
