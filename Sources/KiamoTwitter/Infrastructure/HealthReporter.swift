/// Where engines report whether they can work, for the workers' `/readyz` and `/healthz`.
public protocol HealthReporter: Sendable {
    /// `ready`: the part can do its work now; `alive`: false only when a restart is the remedy.
    func update(_ name: String, ready: Bool, alive: Bool, detail: String)
}

/// Reports to nobody (tests, the command-line tool).
public struct NoHealthReporter: HealthReporter {
    public init() {}
    public func update(_ name: String, ready: Bool, alive: Bool, detail: String) {}
}
