/// The resumable end of an async call waiting on the connection thread: resumed exactly once,
/// with a value or an `AMQPError`.
struct Promise<Value: Sendable>: Sendable {
    private let continuation: CheckedContinuation<Value, any Error>

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        self.continuation = continuation
    }

    func succeed(_ value: Value) { continuation.resume(returning: value) }
    func fail(_ error: AMQPError) { continuation.resume(throwing: error) }
    func complete(_ result: Result<Value, AMQPError>) {
        switch result {
        case .success(let value): succeed(value)
        case .failure(let error): fail(error)
        }
    }
}

extension Promise where Value == Void {
    func succeed() { succeed(()) }
}
