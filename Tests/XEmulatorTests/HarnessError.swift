/// A harness step that could not be done (a refresh refused, ...).
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
