import Foundation

// kiamo-bench NAME: one benchmark, JSON lines on standard output. Run it through scripts/bench,
// which builds in release mode and starts the private broker first.

/// Every benchmark, by name. Each lives in a file of its own named after its type.
let benchmarks: [any Benchmark.Type] = [
    AMQPBenchmark.self,
    EmulatorBenchmark.self,
    StateBenchmark.self,
    IngestBenchmark.self,
    DispatchBenchmark.self,
]

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--list" {
    for benchmark in benchmarks { print("\(benchmark.name)\t\(benchmark.summary)") }
    exit(0)
}
guard let name = arguments.first else {
    FileHandle.standardError.write(Data("usage: kiamo-bench NAME | --list\n".utf8))
    exit(2)
}
do {
    guard let benchmark = benchmarks.first(where: { $0.name == name }) else { throw BenchError.unknown(name) }
    try await benchmark.run(try BenchContext.fromEnvironment())
} catch {
    FileHandle.standardError.write(Data("kiamo-bench \(name): \(error)\n".utf8))
    exit(1)
}
