/// Media uploads through the API, in one request or in chunks, and the media a DM may carry.
/// Times are Unix seconds of the emulator's clock; ids are snowflakes of the time of the call.
extension EmulatorState {
    /// Stores media uploaded in one request: usable at once (the one-request upload takes images
    /// and GIFs, processed while the request lasts), for a day.
    mutating func storeUpload(
        _ bytes: [UInt8], format: MediaFormat, category: MediaCategory, owner: UInt64, additionalOwners: [UInt64], now: Double
    ) -> MediaItem {
        let record = MediaUploadRecord(
            owner: owner, additionalOwners: additionalOwners, category: category, shared: false, expiresAt: now + MediaUpload.lifetime, processing: nil)
        let item = MediaItem(
            mediaID: ids.next(milliseconds: Self.milliseconds(now)), type: category.mediaType, content: MediaContent(bytes: bytes, format: format),
            keyPrefix: category.keyPrefix, upload: record)
        insertMedia(item)
        return item
    }

    /// Starts a chunked upload (initialize); expired sessions are dropped on the way.
    mutating func startUpload(
        owner: UInt64, category: MediaCategory, format: MediaFormat, totalBytes: Int64, shared: Bool, additionalOwners: [UInt64], now: Double
    ) -> MediaUpload {
        uploads = uploads.filter { $0.value.expiresAt > now }
        let upload = MediaUpload(
            mediaID: ids.next(milliseconds: Self.milliseconds(now)), owner: owner, category: category, format: format, totalBytes: totalBytes,
            shared: shared, additionalOwners: additionalOwners, now: now)
        uploads[upload.mediaID] = upload
        return upload
    }

    /// Stores segment `index` of upload `id` (append).
    mutating func appendSegment(_ bytes: [UInt8], at index: Int, upload id: UInt64, owner: UInt64, now: Double) throws(MediaUploadError) -> MediaUpload {
        var upload = try session(id, owner: owner, now: now)
        try upload.append(bytes, at: index)
        uploads[id] = upload
        return upload
    }

    /// Ends upload `id` (finalize): the media is stored, usable at once (images) or once its
    /// processing succeeded (videos, GIFs). An image whose bytes are not of an allowed format is
    /// refused (the upload stays open); a video's or GIF's fails processing instead, as X finds
    /// out only while processing.
    mutating func finalizeUpload(_ id: UInt64, owner: UInt64, now: Double) throws(MediaUploadError) -> MediaItem {
        let upload = try session(id, owner: owner, now: now)
        let file = try upload.assembled()
        let sniffed = MediaFormat.sniff(file).flatMap { upload.category.formats.contains($0) ? $0 : nil }
        let processing = upload.category.isProcessedAsynchronously ? MediaProcessing(startedAt: now, fails: sniffed == nil) : nil
        if processing == nil, sniffed == nil { throw .unrecognized(upload.category) }
        let record = MediaUploadRecord(
            owner: owner, additionalOwners: upload.additionalOwners, category: upload.category, shared: upload.shared,
            expiresAt: now + MediaUpload.lifetime, processing: processing)
        let item = MediaItem(
            mediaID: id, type: upload.category.mediaType, content: MediaContent(bytes: file, format: sniffed ?? upload.format),
            keyPrefix: upload.category.keyPrefix, upload: record)
        uploads[id] = nil
        insertMedia(item)
        return item
    }

    /// Media `id` the caller uploaded, for STATUS.
    func uploadedMedia(_ id: UInt64, owner: UInt64, now: Double) throws(MediaUploadError) -> MediaItem {
        if let upload = uploads[id], upload.owner == owner, upload.expiresAt > now { throw .notFinalized(id) }
        guard let item = media(id: id), let record = item.upload, record.owner == owner, record.expiresAt > now else { throw .unknown(id) }
        return item
    }

    /// The open upload `id` of `owner`.
    private func session(_ id: UInt64, owner: UInt64, now: Double) throws(MediaUploadError) -> MediaUpload {
        if let upload = uploads[id], upload.owner == owner, upload.expiresAt > now { return upload }
        if let record = media(id: id)?.upload, record.owner == owner, record.expiresAt > now { throw .finalized(id) }
        throw .unknown(id)
    }

    // MARK: Attaching

    /// The media keys of `ids` when `sender` may attach them to a DM at `now`, or why not.
    func attachableMedia(_ ids: [String], sender: UInt64, now: Double) -> Result<[String], MediaUseError> {
        var keys: [String] = []
        for id in ids {
            guard let item = EmulatorUser.numericID(id).flatMap({ media(id: $0) }), let record = item.upload else { return .failure(.unknown(id)) }
            if let refusal = record.refusal(id: id, user: sender, now: now) { return .failure(refusal) }
            keys.append(item.mediaKey)
        }
        return .success(keys)
    }

    /// Counts one more DM carrying each of `keys`.
    mutating func recordUse(of keys: [String]) {
        for key in keys { media[key]?.upload?.uses += 1 }
    }

    private static func milliseconds(_ seconds: Double) -> Int64 {
        Int64((seconds * 1000).rounded(.down))
    }
}
