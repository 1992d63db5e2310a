/// A chunked upload from initialize to finalize: what the client declared and the segments it
/// appended so far. X keeps the session for a day (`expires_after_secs`); at finalize segments
/// 0...n must all be there and add up to `total_bytes`.
struct MediaUpload: Sendable {
    let mediaID: UInt64
    let owner: UInt64
    let category: MediaCategory
    /// The declared `media_type`, one the category allows.
    let format: MediaFormat
    let totalBytes: Int64
    let shared: Bool
    let additionalOwners: [UInt64]
    /// Unix seconds after which the upload is unknown.
    let expiresAt: Double
    private(set) var segments: [Int: [UInt8]] = [:]

    /// How long X keeps an upload session, and media before it is attached (a day).
    static let lifetime = 86_400.0
    /// The largest segment X takes (its documentation: keep segments at or below 5 MB, the server
    /// takes up to 8 MB).
    static let maximumSegmentBytes = 8 << 20

    init(mediaID: UInt64, owner: UInt64, category: MediaCategory, format: MediaFormat, totalBytes: Int64, shared: Bool, additionalOwners: [UInt64], now: Double) {
        self.mediaID = mediaID
        self.owner = owner
        self.category = category
        self.format = format
        self.totalBytes = totalBytes
        self.shared = shared
        self.additionalOwners = additionalOwners
        expiresAt = now + Self.lifetime
    }

    /// Bytes received, each segment counted once.
    var receivedBytes: Int64 { segments.values.reduce(0) { $0 + Int64($1.count) } }

    /// Stores segment `index`, replacing one sent before with that index (a retried append).
    /// Refused when the segments would then hold more than `total_bytes`: the emulator keeps them
    /// in memory, so it refuses at once what finalize would refuse anyway.
    mutating func append(_ bytes: [UInt8], at index: Int) throws(MediaUploadError) {
        let received = receivedBytes - Int64(segments[index]?.count ?? 0) + Int64(bytes.count)
        guard received <= totalBytes else { throw .segmentsExceedTotal(received: received, total: totalBytes) }
        segments[index] = bytes
    }

    /// The file: the segments in order, when 0...n are all there and add up to `total_bytes`.
    func assembled() throws(MediaUploadError) -> [UInt8] {
        var file: [UInt8] = []
        file.reserveCapacity(Int(receivedBytes))
        for index in 0..<segments.count {
            guard let segment = segments[index] else { throw .missingSegment(index) }
            file += segment
        }
        guard Int64(file.count) == totalBytes else { throw .sizeMismatch(received: Int64(file.count), total: totalBytes) }
        return file
    }
}
