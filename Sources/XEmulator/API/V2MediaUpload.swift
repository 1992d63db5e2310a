/// The v2 media upload endpoints, as the schema shapes them and X's media documentation limits
/// them: `POST /2/media/upload` (a whole image or GIF in one request), the chunked
/// `POST /2/media/upload/initialize`, `/:id/append`, `/:id/finalize`, and
/// `GET /2/media/upload?command=STATUS&media_id=`.
///
/// Refusals: 400 invalid-request for a body or parameter X refuses (unknown field, wrong type,
/// a category and type that do not go together, `total_bytes` over the category's limit, bytes
/// of no allowed format, segments missing or not adding up to `total_bytes` at finalize, an
/// append or finalize after finalize, STATUS before it); 404 resource-not-found for an id that is
/// not an upload of the caller's or expired (a day after initialize, or after the upload); 413
/// for a file over its category's limit or a segment over 8 MB. Authentication (media.write, or
/// OAuth 1.0a) and rate limits are the service's.
struct V2MediaUpload: Sendable {
    let store: EmulatorStore

    private var now: Double { store.configuration.clock.now().timeIntervalSince1970 }

    /// `POST /2/media/upload`: `media` and `media_category` (and `additional_owners`, user ids
    /// separated by commas), as JSON or multipart. The type is read from the bytes.
    func upload(_ request: EmulatorRequest, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        _ = try V2Vocabulary.parameters(request, allowed: []).get()
        let form = try MediaUploadForm.parse(
            request, fields: [("media", .media), ("media_category", .text), ("additional_owners", .text)], required: ["media", "media_category"])
        var problems: [XErrors.Invalid] = []
        let category = Self.category(form.texts["media_category"], allowed: V2Vocabulary.uploadCategories, problems: &problems)
        let owners = Self.owners((form.texts["additional_owners"] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init), problems: &problems)
        if let category, category.isVideo {
            problems.append(XErrors.Invalid("media_category", category.rawValue, "Videos are uploaded in chunks: POST /2/media/upload/initialize, then append and finalize"))
        } else if category == .subtitles {
            problems.append(Self.subtitles)
        }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        guard let category, let bytes = form.media else { throw Refusal(XErrors.blank(500)) }
        guard Int64(bytes.count) <= category.maximumBytes else { throw Self.refusal(.tooLarge(size: Int64(bytes.count), category: category), id: "") }
        guard let format = MediaFormat.sniff(bytes), category.formats.contains(format) else { throw Self.refusal(.unrecognized(category), id: "") }
        let now = self.now
        let item = store.withState { $0.storeUpload(bytes, format: format, category: category, owner: caller, additionalOwners: owners, now: now) }
        return .json(200, .object([("data", Self.describe(item, now: now))]))
    }

    /// `POST /2/media/upload/initialize`: a JSON body with `media_type` and `total_bytes`
    /// (required here: X cannot take an upload without them), `media_category` (X assumes the
    /// Post category of the type when it is absent), `shared`, `additional_owners`.
    func initialize(_ request: EmulatorRequest, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        _ = try V2Vocabulary.parameters(request, allowed: []).get()
        guard request.mediaType == "application/json" else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "The request body must be JSON with Content-Type: application/json")))
        }
        guard let body = JSONValue.parse(request.body), case .object(let members) = body else {
            throw Refusal(XErrors.invalidRequest(XErrors.Invalid(message: "Requested body is not a valid JSON object")))
        }
        let allowed = ["additional_owners", "media_category", "media_type", "shared", "total_bytes"]
        var problems: [XErrors.Invalid] = []
        for (name, _) in members where !allowed.contains(name) {
            problems.append(XErrors.Invalid(name, "", "[\(name)] is not one of [\(allowed.joined(separator: ","))]"))
        }
        var mediaType: String?
        switch body["media_type"] {
        case nil: problems.append(XErrors.Invalid("media_type", "", "[media_type] is required"))
        case .string(let type)? where V2Vocabulary.uploadMediaTypes.contains(type): mediaType = type
        case let other?: problems.append(Self.notOneOf("media_type", other, V2Vocabulary.uploadMediaTypes))
        }
        var totalBytes: Int64?
        switch body["total_bytes"] {
        case nil: problems.append(XErrors.Invalid("total_bytes", "", "[total_bytes] is required"))
        case .integer(let total)? where (0...17_179_869_184).contains(total): totalBytes = total
        case let other?: problems.append(XErrors.Invalid("total_bytes", Self.text(other), "[total_bytes] must be an integer from 0 to 17179869184"))
        }
        var category: MediaCategory?
        if let given = body["media_category"] {
            category = Self.category(given.stringValue ?? Self.text(given), allowed: V2Vocabulary.initializeCategories, problems: &problems)
        } else if let mediaType {
            category = MediaCategory.postCategory(forMediaType: mediaType)
        }
        var shared = false
        if let value = body["shared"] {
            if let flag = value.boolValue { shared = flag } else { problems.append(XErrors.Invalid("shared", Self.text(value), "[shared] must be a boolean")) }
        }
        var owners: [UInt64] = []
        if let value = body["additional_owners"] {
            if let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                owners = Self.owners(items.compactMap(\.stringValue), problems: &problems)
            } else {
                problems.append(XErrors.Invalid("additional_owners", Self.text(value), "[additional_owners] must be an array of user id strings"))
            }
        }
        var format: MediaFormat?
        if let category, let mediaType {
            if category == .subtitles {
                problems.append(Self.subtitles)
            } else if let allowed = MediaFormat(rawValue: mediaType), category.formats.contains(allowed) {
                format = allowed
            } else {
                problems.append(
                    XErrors.Invalid(
                        "media_type", mediaType,
                        "[media_type] \(mediaType) is not accepted in media_category \(category.rawValue): one of \(category.formats.map(\.rawValue).joined(separator: ", "))"))
            }
            if let totalBytes, totalBytes > category.maximumBytes {
                problems.append(
                    XErrors.Invalid("total_bytes", String(totalBytes), "[total_bytes] \(totalBytes) is over the \(category.maximumBytes) bytes \(category.rawValue) accepts"))
            }
        }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        guard let category, let format, let totalBytes else { throw Refusal(XErrors.blank(500)) }
        let now = self.now
        let upload = store.withState {
            $0.startUpload(owner: caller, category: category, format: format, totalBytes: totalBytes, shared: shared, additionalOwners: owners, now: now)
        }
        return .json(
            200,
            .object([
                (
                    "data",
                    .object([
                        ("id", .string(String(upload.mediaID))), ("media_key", .string("\(category.keyPrefix)_\(upload.mediaID)")),
                        ("expires_after_secs", .integer(Int64(upload.expiresAt - now))),
                    ])
                )
            ]))
    }

    /// `POST /2/media/upload/:id/append`: `segment_index` (0 to 999) and `media` (the chunk).
    func append(_ request: EmulatorRequest, id: String, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        _ = try V2Vocabulary.parameters(request, allowed: []).get()
        let mediaID = try Self.pathID(id)
        let form = try MediaUploadForm.parse(request, fields: [("media", .media), ("segment_index", .integer)], required: ["media", "segment_index"])
        guard let index = form.integers["segment_index"], (0...999).contains(index) else {
            throw Refusal(
                XErrors.invalidRequest(XErrors.Invalid("segment_index", String(form.integers["segment_index"] ?? -1), "[segment_index] must be from 0 to 999")))
        }
        let chunk = form.media ?? []
        guard chunk.count <= MediaUpload.maximumSegmentBytes else {
            throw Refusal(XErrors.blank(413, detail: "The segment is \(chunk.count) bytes; X takes segments of at most \(MediaUpload.maximumSegmentBytes)."))
        }
        let now = self.now
        do {
            let upload = try store.withState { (state: inout EmulatorState) throws(MediaUploadError) in
                try state.appendSegment(chunk, at: Int(index), upload: mediaID, owner: caller, now: now)
            }
            return .json(200, .object([("data", .object([("expires_at", .integer(Int64(upload.expiresAt)))]))]))
        } catch {
            throw Self.refusal(error, id: id)
        }
    }

    /// `POST /2/media/upload/:id/finalize` (no body): the media, with `processing_info` for a
    /// video or GIF.
    func finalize(_ request: EmulatorRequest, id: String, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        _ = try V2Vocabulary.parameters(request, allowed: []).get()
        let mediaID = try Self.pathID(id)
        let now = self.now
        do {
            let item = try store.withState { (state: inout EmulatorState) throws(MediaUploadError) in try state.finalizeUpload(mediaID, owner: caller, now: now) }
            return .json(200, .object([("data", Self.describe(item, now: now))]))
        } catch {
            throw Self.refusal(error, id: id)
        }
    }

    /// `GET /2/media/upload?media_id=&command=STATUS`: the media as finalize described it, with
    /// `processing_info` as of now.
    func status(_ request: EmulatorRequest, caller: UInt64) throws(Refusal) -> EmulatorResponse {
        let values = try V2Vocabulary.parameters(request, allowed: ["media_id", "command"]).get()
        var problems: [XErrors.Invalid] = []
        if let command = values["command"], command != "STATUS" { problems.append(Self.notOneOf("command", .string(command), ["STATUS"])) }
        var mediaID: UInt64?
        if let id = values["media_id"] {
            mediaID = EmulatorUser.numericID(id)
            if mediaID == nil { problems.append(XErrors.Invalid("media_id", id, "The `media_id` query parameter value [\(id)] does not match ^[0-9]{1,19}$")) }
        } else {
            problems.append(XErrors.Invalid("media_id", "", "The `media_id` query parameter is required"))
        }
        if !problems.isEmpty { throw Refusal(XErrors.invalidRequest(problems)) }
        guard let mediaID else { throw Refusal(XErrors.blank(500)) }
        let now = self.now
        do {
            let item = try store.withState { (state: inout EmulatorState) throws(MediaUploadError) in try state.uploadedMedia(mediaID, owner: caller, now: now) }
            return .json(200, .object([("data", Self.describe(item, now: now))]))
        } catch {
            throw Self.refusal(error, id: String(mediaID), parameter: "media_id")
        }
    }

    // MARK: Shapes

    /// `MediaUploadResponseData` (and finalize's, STATUS's, which are the same): id, key, size,
    /// expiry, `processing_info` when processed asynchronously, `image` or `video`.
    static func describe(_ item: MediaItem, now: Double) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(String(item.mediaID))), ("media_key", .string(item.mediaKey)), ("size", .integer(Int64(item.content.count))),
        ]
        if let record = item.upload {
            members.append(("expires_after_secs", .integer(max(0, Int64(record.expiresAt - now)))))
            if let processing = record.processing {
                let status = processing.status(at: now)
                var info: [(String, JSONValue)] = [("state", .string(status.state.rawValue))]
                if let after = status.checkAfterSecs { info.append(("check_after_secs", .integer(Int64(after)))) }
                if let progress = status.progressPercent { info.append(("progress_percent", .integer(Int64(progress)))) }
                members.append(("processing_info", .object(info)))
            }
        }
        if item.type == "video" {
            members.append(("video", .object([("video_type", .string(item.content.contentType))])))
        } else {
            var image: [(String, JSONValue)] = [("image_type", .string(item.content.contentType))]
            if let width = item.width, let height = item.height { image += [("w", .integer(Int64(width))), ("h", .integer(Int64(height)))] }
            members.append(("image", .object(image)))
        }
        return .object(members)
    }

    // MARK: Checks

    private static let subtitles = XErrors.Invalid("media_category", "subtitles", "media_category subtitles is not emulated: the X emulator serves DM media")

    /// X's answer to a refused step.
    private static func refusal(_ error: MediaUploadError, id: String, parameter: String = "id") -> Refusal {
        switch error {
        case .unknown:
            Refusal(XErrors.resourceNotFound(resourceType: "media", parameter: parameter, value: id, detail: error.description))
        case .tooLarge:
            Refusal(XErrors.blank(413, detail: error.description))
        case .finalized, .notFinalized, .unrecognized:
            Refusal(XErrors.invalidRequest(XErrors.Invalid(id.isEmpty ? "media" : parameter, id, error.description)))
        case .segmentsExceedTotal, .missingSegment, .sizeMismatch:
            Refusal(XErrors.invalidRequest(XErrors.Invalid("segment_index", id, error.description)))
        }
    }

    /// A path id checked against the schema's `^[0-9]{1,19}$`.
    private static func pathID(_ id: String) throws(Refusal) -> UInt64 {
        if let problem = V2Vocabulary.numericPathParameter("id", id) { throw Refusal(XErrors.invalidRequest(problem)) }
        return EmulatorUser.numericID(id) ?? 0
    }

    private static func category(_ value: String?, allowed: [String], problems: inout [XErrors.Invalid]) -> MediaCategory? {
        guard let value else { return nil }
        guard allowed.contains(value), let category = MediaCategory(rawValue: value) else {
            problems.append(notOneOf("media_category", .string(value), allowed))
            return nil
        }
        return category
    }

    /// User ids (at most 100, X's limit), each checked against `^[0-9]{1,19}$`.
    private static func owners(_ ids: [String], problems: inout [XErrors.Invalid]) -> [UInt64] {
        if ids == [""] { return [] }
        if ids.count > 100 { problems.append(XErrors.Invalid("additional_owners", String(ids.count), "[additional_owners] may name at most 100 users")) }
        var owners: [UInt64] = []
        for id in ids {
            if let owner = EmulatorUser.numericID(id) { owners.append(owner) } else { problems.append(XErrors.Invalid("additional_owners", id, "[\(id)] does not match ^[0-9]{1,19}$")) }
        }
        return owners
    }

    private static func notOneOf(_ name: String, _ value: JSONValue, _ allowed: [String]) -> XErrors.Invalid {
        let given = value.stringValue ?? text(value)
        return XErrors.Invalid(name, given, "[\(name)] \(given) is not one of [\(allowed.joined(separator: ","))]")
    }

    private static func text(_ value: JSONValue) -> String {
        String(decoding: value.encoded, as: UTF8.self)
    }
}
