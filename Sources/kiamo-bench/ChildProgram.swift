import ChildProcesses
import Foundation

/// A release product (`x-emulator`, a worker) run by a benchmark as its own process, its output in
/// a log file of the scratch folder; stopped with SIGTERM (then SIGKILL) by `stop()`.
final class ChildProgram: Sendable {
    let name: String
    let log: URL
    private let process: SpawnedChild

    private init(name: String, log: URL, process: SpawnedChild) {
        self.name = name
        self.log = log
        self.process = process
    }

    /// Starts `product` (or `executable`, a script of the package, named `product` in the logs) and
    /// waits until its output contains `readyLine`.
    static func start(
        _ context: BenchContext, _ product: String, executable: URL? = nil, arguments: [String] = [], environment: [String: String] = [:],
        readyLine: String, timeout: Double = 60
    ) async throws -> ChildProgram {
        let log = context.scratch.appendingPathComponent("\(product)-\(UUID().uuidString.prefix(6)).log")
        let output = try SpawnedChild.file(log.path)
        let process = try await SpawnedChild.start(
            (executable ?? context.products.appendingPathComponent(product)).path, arguments: arguments,
            environment: SpawnedChild.environment(adding: environment), input: try SpawnedChild.null(), output: output, error: try output.duplicate())
        let child = ChildProgram(name: product, log: log, process: process)
        do {
            try await waitFor("\(product) to print '\(readyLine)'", timeout: timeout) {
                child.output.contains(readyLine) || !process.isRunning
            }
        } catch {
            child.stop()
            throw error
        }
        guard process.isRunning else { throw BenchError.failed("\(product) exited at start:\n\(child.output.suffix(3000))") }
        return child
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    var pid: Int32 { process.pid }

    /// The first `http://host:port` the program printed.
    func url() throws -> String {
        guard let range = output.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) else {
            throw BenchError.failed("\(name) printed no URL")
        }
        return String(output[range])
    }

    /// VmHWM from /proc, in MiB.
    func peakResidentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        return nil
    }

    /// Current RssAnon (memory the program allocated, without its shared code pages), in MiB.
    func anonymousResidentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        return nil
    }

    func stop() {
        guard process.isRunning else { return }
        process.send(SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        process.send(SIGKILL)
    }

    static func waitFor(_ what: String, timeout: Double, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !condition() {
            if ContinuousClock.now >= deadline { throw BenchError.failed("timed out after \(Int(timeout)) s waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
