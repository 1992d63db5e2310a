import Foundation

/// The part of an object a `Range` header asks for (RFC 9110, section 14.1.2), read as servers
/// commonly do: one range of bytes; several ranges, or a unit other than bytes, are answered with
/// the whole object, which the RFC allows.
public enum ByteRange: Equatable, Sendable {
    /// Serve everything (no header, or one this server does not honour).
    case whole
    /// Serve these bytes (within the object) with 206.
    case part(ClosedRange<Int>)
    /// No byte of the range is in the object: 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    /// What `header` (the `Range` value, if any) asks of an object of `size` bytes.
    public init(header: String?, size: Int) {
        guard let header else {
            self = .whole
            return
        }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes="), !trimmed.contains(",") else {
            self = .whole
            return
        }
        let spec = trimmed.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let bounds = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2 else {
            self = .whole
            return
        }
        let first = bounds[0].trimmingCharacters(in: .whitespaces)
        let last = bounds[1].trimmingCharacters(in: .whitespaces)
        switch (Int(first), Int(last)) {
        case (let start?, let end?) where start >= 0 && end >= start:
            self = start < size ? .part(start...min(end, size - 1)) : .unsatisfiable
        case (let start?, nil) where last.isEmpty && start >= 0:
            self = start < size ? .part(start...(size - 1)) : .unsatisfiable
        case (nil, let suffix?) where first.isEmpty && suffix >= 0:
            // The last `suffix` bytes.
            self = suffix > 0 && size > 0 ? .part(max(0, size - suffix)...(size - 1)) : .unsatisfiable
        default:
            // Not a valid byte range: ignored, as the RFC says a server may.
            self = .whole
        }
    }
}
