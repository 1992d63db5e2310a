import Foundation

/// One benchmark of `scripts/bench`: runs against the private broker and the release products the
/// script prepared, and reports each figure as a JSON line through `BenchReport`.
protocol Benchmark: SendableMetatype {
    /// The name `scripts/bench NAME` selects it by.
    static var name: String { get }
    /// One line on what it measures, for `kiamo-bench --list`.
    static var summary: String { get }
    static func run(_ context: BenchContext) async throws
}

/// What `scripts/bench` hands every benchmark.
struct BenchContext: Sendable {
    /// `amqp://...` of the private broker the script started.
    let amqpURL: String
    /// Its folder, for `scripts/test-broker ctl DIR ...` (broker statistics).
    let brokerDirectory: String
    /// The folder of the release executables (x-emulator, the workers), to spawn them.
    let products: URL
    /// The package root, for scripts.
    let root: URL
    /// A scratch folder removed after the run.
    let scratch: URL

    static func fromEnvironment() throws -> BenchContext {
        let env = ProcessInfo.processInfo.environment
        func required(_ key: String) throws -> String {
            guard let value = env[key], !value.isEmpty else { throw BenchError.missingEnvironment(key) }
            return value
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return BenchContext(
            amqpURL: try required("KIAMO_BENCH_AMQP_URL"),
            brokerDirectory: try required("KIAMO_BENCH_BROKER_DIR"),
            products: executable.deletingLastPathComponent(),
            root: URL(fileURLWithPath: try required("KIAMO_BENCH_ROOT")),
            scratch: URL(fileURLWithPath: try required("KIAMO_BENCH_SCRATCH"))
        )
    }
}

enum BenchError: Error, CustomStringConvertible {
    case missingEnvironment(String)
    case unknown(String)
    case failed(String)

    var description: String {
        switch self {
        case .missingEnvironment(let key): "\(key) is not set: run benchmarks through scripts/bench"
        case .unknown(let name): "no benchmark named \(name); kiamo-bench --list names them"
        case .failed(let why): why
        }
    }
}
