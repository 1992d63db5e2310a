import Foundation

/// A replay X started (`POST /2/webhooks/replay`): it re-delivers a window's events to a webhook,
/// asynchronously.
public struct XReplayJob: Sendable, Hashable, Codable {
    public var jobId: String
    public var createdAt: String

    public init(jobId: String, createdAt: String) {
        self.jobId = jobId
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case jobId = "job_id"
        case createdAt = "created_at"
    }
}
