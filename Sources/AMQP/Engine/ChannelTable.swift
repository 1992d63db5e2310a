/// The connection's channels by number, in an array indexed by it: every frame and publish looks
/// its channel up, and hashing the number for a dictionary cost about 75 instructions a lookup,
/// three lookups a delivery (callgrind). Channel numbers are handed out from 1 upward, lowest
/// free first, so the array stays as long as the most channels open at once. Thread-confined.
struct ChannelTable {
    private var slots: [ChannelState?] = []
    private var count = 0

    subscript(number: UInt16) -> ChannelState? {
        get {
            let index = Int(number)
            return index < slots.count ? slots[index] : nil
        }
        set {
            let index = Int(number)
            if index >= slots.count {
                guard newValue != nil else { return }
                slots.append(contentsOf: repeatElement(nil, count: index + 1 - slots.count))
            }
            switch (slots[index] == nil, newValue == nil) {
            case (true, false): count += 1
            case (false, true): count -= 1
            default: break
            }
            slots[index] = newValue
        }
    }

    /// The open channels, by number.
    var values: [ChannelState] { slots.compactMap { $0 } }

    var isEmpty: Bool { count == 0 }

    mutating func removeAll() {
        slots.removeAll()
        count = 0
    }
}
