/// A value X returned together with the endpoint's rate-limit budget after the call.
public struct XResponse<Value: Sendable>: Sendable {
    /// What the operation returned.
    public var value: Value
    /// The endpoint's budget after the call; `nil` when X sent no rate-limit header.
    public var rateLimit: RateLimitInfo?

    /// Pairs a value with the budget of the response that carried it.
    public init(value: Value, rateLimit: RateLimitInfo?) {
        self.value = value
        self.rateLimit = rateLimit
    }
}

extension XResponse: Equatable where Value: Equatable {}
extension XResponse: Hashable where Value: Hashable {}
