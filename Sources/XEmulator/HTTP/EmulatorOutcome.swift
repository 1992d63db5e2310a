/// What the server does with a request: answer it, or close the connection without a word.
enum EmulatorOutcome: Sendable {
    case respond(EmulatorResponse)
    case drop
    /// A 200 whose chunked body the session writes until it ends (`GET /2/activity/stream`).
    case stream(ActivityStreamSession)

    var status: Int? {
        switch self {
        case .respond(let response): response.status
        case .stream: 200
        case .drop: nil
        }
    }
}
