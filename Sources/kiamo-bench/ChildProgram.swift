import Foundation

/// A release product (`x-emulator`, a worker) run by a benchmark as its own process, its output in
/// a log file of the scratch folder; stopped with SIGTERM (then SIGKILL) by `stop()`.
final class ChildProgram: Sendable {
    let name: String
    let log: URL
    private let process: Process

    private init(name: String, log: URL, process: Process) {
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
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw BenchError.failed("cannot create \(log.path)") }
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = executable ?? context.products.appendingPathComponent(product)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
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
    var pid: Int32 { process.processIdentifier }

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
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
    }

    static func waitFor(_ what: String, timeout: Double, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while !condition() {
            if ContinuousClock.now >= deadline { throw BenchError.failed("timed out after \(Int(timeout)) s waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
