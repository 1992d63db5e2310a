/// Hands out snowflake ids: distinct for every call, time-ordered by the creation time asked for.
/// Two things created in the same millisecond get consecutive sequence numbers.
struct IDGenerator: Sendable {
    private var nextSequence: [Int64: UInt64] = [:]

    mutating func next(milliseconds: Int64) -> UInt64 {
        var ms = max(milliseconds, Snowflake.epochMilliseconds)
        while true {
            let sequence = nextSequence[ms, default: 0]
            if sequence <= Snowflake.maximumSequence {
                nextSequence[ms] = sequence + 1
                return Snowflake.id(milliseconds: ms, sequence: sequence)
            }
            ms += 1 // 4 million things in one millisecond: borrow the next one
        }
    }
}
