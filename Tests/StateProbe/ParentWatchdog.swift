import Foundation

/// Exits when the parent process goes away (the probe is re-parented), so probes never outlive
/// a test run that crashed before killing them.
enum ParentWatchdog {
    /// Keep the returned timer alive for the life of the process.
    static func start() -> any DispatchSourceTimer {
        let parent = getppid()
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "state-probe.watchdog"))
        timer.schedule(deadline: .now() + .milliseconds(200), repeating: .milliseconds(200))
        timer.setEventHandler {
            if getppid() != parent { exit(3) }
        }
        timer.resume()
        return timer
    }
}
