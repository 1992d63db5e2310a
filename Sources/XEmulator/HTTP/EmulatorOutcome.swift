/// What the server does with a request: answer it, or close the connection without a word.
enum EmulatorOutcome: Sendable {
    case respond(EmulatorResponse)
    case drop

    var status: Int? {
        if case .respond(let response) = self { return response.status }
        return nil
    }
}
