/// X's processing of a finalized video or GIF, as a function of the emulator's clock: `pending`
/// for its first second, `in_progress` until `duration` seconds after finalize, then `succeeded`
/// (or `failed`, when the bytes were not a file of an allowed format). A client polls STATUS after
/// `check_after_secs`; a test moves the manual clock instead of waiting.
struct MediaProcessing: Sendable, Equatable {
    /// X's `processing_info.state`.
    enum State: String, Sendable {
        case pending
        case inProgress = "in_progress"
        case succeeded
        case failed
    }

    /// What STATUS (and finalize) report at one moment.
    struct Status: Sendable, Equatable {
        var state: State
        /// Seconds to wait before asking again; `nil` once processing ended.
        var checkAfterSecs: Int?
        var progressPercent: Int?
    }

    /// Unix seconds of the finalize.
    let startedAt: Double
    /// Whether it ends `failed`.
    let fails: Bool

    /// How long `pending` lasts.
    static let pendingSeconds = 1.0
    /// From finalize to the end of processing.
    static let duration = 5.0

    /// The status at `now` (Unix seconds).
    func status(at now: Double) -> Status {
        let elapsed = now - startedAt
        if elapsed < Self.pendingSeconds {
            return Status(state: .pending, checkAfterSecs: Int((Self.pendingSeconds - elapsed).rounded(.up)), progressPercent: 0)
        }
        if elapsed < Self.duration {
            let progress = Int((elapsed - Self.pendingSeconds) / (Self.duration - Self.pendingSeconds) * 100)
            return Status(state: .inProgress, checkAfterSecs: max(1, Int((Self.duration - elapsed).rounded(.up))), progressPercent: min(99, max(1, progress)))
        }
        return fails ? Status(state: .failed, checkAfterSecs: nil, progressPercent: nil) : Status(state: .succeeded, checkAfterSecs: nil, progressPercent: 100)
    }
}
