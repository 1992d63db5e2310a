/// A consumer as the connection thread tracks it.
struct ConsumerState {
    var registration: ConsumerRegistration
    /// The queue it consumes now (a server-named queue gets a new name after a reconnect).
    var queue: String
    /// True once the broker confirmed basic.consume; only active consumers are resumed.
    var active = false

    init(_ registration: ConsumerRegistration) {
        self.registration = registration
        self.queue = registration.queue
    }
}
