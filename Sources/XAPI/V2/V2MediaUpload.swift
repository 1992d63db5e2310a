import Foundation

/// The JSON of X's chunked media upload (`/2/media/upload/initialize`, `/{id}/append`,
/// `/{id}/finalize`, `GET /2/media/upload?command=STATUS`).
enum V2MediaUpload {
    struct InitializeRequest: Encodable {
        var mediaType: String
        var mediaCategory: String
        var totalBytes: Int

        private enum CodingKeys: String, CodingKey {
            case mediaType = "media_type"
            case mediaCategory = "media_category"
            case totalBytes = "total_bytes"
        }
    }

    /// A segment, base64 in a JSON body (the schema's `format: byte`).
    struct AppendRequest: Encodable {
        var media: String
        var segmentIndex: Int

        private enum CodingKeys: String, CodingKey {
            case media
            case segmentIndex = "segment_index"
        }
    }

    /// The `data` of every answer of the flow.
    struct Response: Decodable {
        struct Data: Decodable {
            var id: String
            var mediaKey: String?
            var expiresAfterSecs: Int?
            var processingInfo: ProcessingInfo?

            private enum CodingKeys: String, CodingKey {
                case id
                case mediaKey = "media_key"
                case expiresAfterSecs = "expires_after_secs"
                case processingInfo = "processing_info"
            }
        }

        var data: Data?
    }

    /// Where X's processing of a video or GIF is: `pending`, `in_progress`, `succeeded`, `failed`.
    struct ProcessingInfo: Decodable {
        struct Failure: Decodable {
            var code: Int?
            var name: String?
            var message: String?
        }

        var state: String?
        var checkAfterSecs: Int?
        var error: Failure?

        private enum CodingKeys: String, CodingKey {
            case state, error
            case checkAfterSecs = "check_after_secs"
        }
    }

    /// Segments of at most this size: well under X's per-segment limit (8 MB after decoding) and
    /// the client's answer limit, and few enough requests for a 512 MB video (128).
    static let segmentBytes = 4 * 1024 * 1024
}
