import Foundation
import Synchronization

/// A process's memory as the kernel tells it (`/proc/PID/status` and `smaps_rollup`), in MiB:
/// the resident set split into anonymous pages (its heap and stacks: what the process itself
/// allocated) and file-backed ones (the mapped executable and libraries, shared with every process
/// running them), and PSS (its fair share of the shared pages: what the machine pays for it).
/// RSS alone mostly measures the binary's size.
struct ProcessMemory: Sendable, Equatable {
    var rss = 0.0
    var rssAnon = 0.0
    var rssFile = 0.0
    var pss = 0.0

    /// Now, or nil when the process is gone.
    static func read(pid: pid_t) -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        var memory = ProcessMemory()
        memory.rss = field("VmRSS", in: status) ?? 0
        memory.rssAnon = field("RssAnon", in: status) ?? 0
        memory.rssFile = field("RssFile", in: status) ?? 0
        if let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) {
            memory.pss = field("Pss", in: rollup) ?? 0
        }
        return memory
    }

    /// A `Name:   1234 kB` line's value, in MiB.
    private static func field(_ name: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Double($0) }.map { $0 / 1024 }
        }
        return nil
    }

    /// Each field's larger value.
    func peak(with other: ProcessMemory) -> ProcessMemory {
        ProcessMemory(rss: max(rss, other.rss), rssAnon: max(rssAnon, other.rssAnon), rssFile: max(rssFile, other.rssFile), pss: max(pss, other.pss))
    }

    /// `<role>_<phase>_rss`, `_rss_anon`, `_rss_file`, `_pss` as JSON lines; `anonGoal` beside the anonymous part.
    func emit(bench: String, role: String, phase: String, anonGoal: Double? = nil) {
        let prefix = "\(role)_\(phase)"
        BenchReport.emit(bench: bench, metric: prefix + "_rss", value: rss, unit: "MiB")
        BenchReport.emit(bench: bench, metric: prefix + "_rss_anon", value: rssAnon, unit: "MiB", goal: anonGoal)
        BenchReport.emit(bench: bench, metric: prefix + "_rss_file", value: rssFile, unit: "MiB")
        BenchReport.emit(bench: bench, metric: prefix + "_pss", value: pss, unit: "MiB")
    }
}

/// Samples a process's memory every 100 ms while a phase runs, keeping each field's peak (the
/// kernel's VmHWM covers the whole resident set only, and from the process's start).
final class MemorySampler: Sendable {
    private let peakSoFar = Mutex(ProcessMemory())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(pid: pid_t) {
        // The task holds the sampler until `stop()` cancels it.
        let sampling = Task { [self] in
            while !Task.isCancelled, let now = ProcessMemory.read(pid: pid) {
                peakSoFar.withLock { $0 = $0.peak(with: now) }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        task.withLock { $0 = sampling }
    }

    /// Stops sampling; the peak of every field.
    func stop() -> ProcessMemory {
        task.withLock { $0?.cancel() }
        return peakSoFar.withLock { $0 }
    }
}
