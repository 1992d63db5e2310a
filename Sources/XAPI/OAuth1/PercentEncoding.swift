/// RFC 3986 percent-encoding as OAuth 1.0a (RFC 5849 §3.6) and X require.
///
/// Only the unreserved set (`A-Z a-z 0-9 - . _ ~`) passes through; every other UTF-8 byte becomes
/// `%XX` with upper-case hex digits. The client builds its query strings and form bodies with the
/// same function it signs with, so what is signed is exactly what is sent.
public enum PercentEncoding {
    /// `value` with every byte outside the unreserved set percent-encoded (space → `%20`, `+` → `%2B`).
    public static func encode(_ value: String) -> String {
        // Most names and values need no escaping (a signature encodes about twenty of them per
        // request): returned as they are, without a copy.
        if value.utf8.allSatisfy(isUnreserved) { return value }
        var encoded = [UInt8]()
        encoded.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Decodes one `application/x-www-form-urlencoded` component (`+` is a space, `%XX` a byte).
    ///
    /// Returns `nil` when a `%` is not followed by two hex digits or the bytes are not UTF-8.
    public static func decodeFormComponent(_ component: String) -> String? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// `name=value` pairs joined with `&`, each side encoded: a query string or a form body.
    public static func formEncode(_ parameters: [(name: String, value: String)]) -> String {
        parameters.map { "\(encode($0.name))=\(encode($0.value))" }.joined(separator: "&")
    }

    /// Splits a query string or form body into decoded pairs; `nil` if a component is malformed.
    public static func parseForm(_ form: String) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for field in form.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decodeFormComponent(String(parts[0])) else { return nil }
            let value = parts.count > 1 ? decodeFormComponent(String(parts[1])) : ""
            guard let value else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
