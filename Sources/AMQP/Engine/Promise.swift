/// The resumable end of an async call waiting on the connection thread: resumed exactly once,
/// with a value or an `AMQPError`.
///
/// It holds the continuation behind one class reference. `CheckedContinuation` is a resilient
/// standard-library type, so a struct holding it directly has a layout unknown when compiling,
/// and so did every value around it (a publish's completion, request and confirm waiter, the
/// commands): each copy of those went through the runtime's value witnesses. callgrind counted
/// about 1,500 instructions a published message in them; a reference copies as one retain.
struct Promise<Value: Sendable>: Sendable {
    private final class Box: Sendable {
        let continuation: CheckedContinuation<Value, any Error>
        init(_ continuation: CheckedContinuation<Value, any Error>) { self.continuation = continuation }
    }

    private let box: Box

    init(_ continuation: CheckedContinuation<Value, any Error>) {
        box = Box(continuation)
    }

    func succeed(_ value: Value) { box.continuation.resume(returning: value) }
    func fail(_ error: AMQPError) { box.continuation.resume(throwing: error) }
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
