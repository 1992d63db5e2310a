import ServiceLifecycle

/// An emulator serving in a background task, started by `XEmulator.start`.
public final class RunningEmulator: Sendable {
    /// The port it is bound to.
    public let port: Int
    /// The host it is bound to.
    public let host: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(port: Int, host: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.host = host
        self.group = group
        self.task = task
    }

    /// `http://host:port`, the base URL to point an X client at.
    public var baseURL: String { "http://\(host):\(port)" }

    /// Stops serving gracefully (requests in flight finish) and waits until the port is closed.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
