/// Why a step of an upload was refused; `V2MediaUpload` answers each as X does (404 for an
/// unknown upload, 413 for a file over its limit, 400 for the others).
enum MediaUploadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No upload or media with this id that the caller uploaded, or one older than a day.
    case unknown(UInt64)
    /// Append or finalize after finalize.
    case finalized(UInt64)
    /// STATUS before finalize.
    case notFinalized(UInt64)
    /// The segments would hold more than `total_bytes`.
    case segmentsExceedTotal(received: Int64, total: Int64)
    /// Finalize without segment `index` (segments are numbered from 0 without gaps).
    case missingSegment(Int)
    /// Finalize with segments that add up to another size than `total_bytes`.
    case sizeMismatch(received: Int64, total: Int64)
    /// Bytes that are not a file of a format the category allows.
    case unrecognized(MediaCategory)
    /// A file over the category's limit.
    case tooLarge(size: Int64, category: MediaCategory)

    var description: String {
        switch self {
        case .unknown(let id): "There is no upload or media with id \(id) of this user (ids expire a day after initialize)."
        case .finalized(let id): "The upload \(id) is already finalized."
        case .notFinalized(let id): "The upload \(id) is not finalized: STATUS follows finalize."
        case .segmentsExceedTotal(let received, let total): "The segments hold \(received) bytes, more than total_bytes \(total)."
        case .missingSegment(let index): "Segment \(index) was not appended (segments are numbered from 0 without gaps)."
        case .sizeMismatch(let received, let total): "The segments hold \(received) bytes, not total_bytes \(total)."
        case .unrecognized(let category):
            "The media is not a file of a type \(category.rawValue) accepts (\(category.formats.map(\.rawValue).joined(separator: ", ")))."
        case .tooLarge(let size, let category): "The media is \(size) bytes; \(category.rawValue) accepts at most \(category.maximumBytes)."
        }
    }
}
