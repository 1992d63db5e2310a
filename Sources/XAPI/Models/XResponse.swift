/// A value X returned together with the endpoint's rate-limit budget after the call.
public struct XResponse<Value: Sendable>: Sendable {
    public var value: Value
    public var rateLimit: RateLimitInfo?

    public init(value: Value, rateLimit: RateLimitInfo?) {
        self.value = value
        self.rateLimit = rateLimit
    }
}

extension XResponse: Equatable where Value: Equatable {}
extension XResponse: Hashable where Value: Hashable {}
