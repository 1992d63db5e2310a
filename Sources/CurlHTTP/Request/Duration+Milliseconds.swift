extension Duration {
    /// Whole milliseconds, rounded up so that a positive duration never becomes 0 (which libcurl
    /// reads as "no timeout"); zero and negative durations give 0; absurdly long ones are capped
    /// at about 31 years rather than overflowing.
    var roundedUpMilliseconds: Int {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        let cap: Int64 = 1_000_000_000
        guard seconds < cap else { return Int(cap) * 1000 }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let (milliseconds, remainder) = attoseconds.quotientAndRemainder(dividingBy: perMillisecond)
        return Int(seconds * 1000 + milliseconds + (remainder > 0 ? 1 : 0))
    }

    /// "250 ms", "10 s", "1.5 s": the way a person writes a timeout in a message.
    var humanReadable: String {
        let milliseconds = roundedUpMilliseconds
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
