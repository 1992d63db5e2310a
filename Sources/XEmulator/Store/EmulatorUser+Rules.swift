import XEmulatorControl

/// X's rules for handles and ids, as the emulator enforces them.
extension EmulatorUser {
    /// X's rule for handles.
    static func isValidUsername(_ username: String) -> Bool {
        (1...15).contains(username.utf8.count)
            && username.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// X's rule for ids: 1 to 19 digits that fit a signed 64-bit integer.
    static func numericID(_ text: String) -> UInt64? {
        guard (1...19).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let value = UInt64(text), value <= UInt64(Int64.max)
        else { return nil }
        return value
    }
}
