/// A request refused before its handler finished: the answer X gives for it.
struct Refusal: Error, Sendable {
    let response: EmulatorResponse

    init(_ response: EmulatorResponse) {
        self.response = response
    }
}
