/// An emulator serving in a background task, started by `XEmulator.start`.
public final class RunningEmulator: Sendable {
    /// The port it is bound to.
    public let port: Int
    /// The host it is bound to.
    public let host: String
    private let task: Task<Void, any Error>

    init(port: Int, host: String, task: Task<Void, any Error>) {
        self.port = port
        self.host = host
        self.task = task
    }

    /// `http://host:port`, the base URL to point an X client at.
    public var baseURL: String { "http://\(host):\(port)" }

    /// Stops serving and waits until the port is closed.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}
