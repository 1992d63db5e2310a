/// One element of a list X returned, decoded on its own: a failure is kept (with the element's
/// `id` when readable) instead of failing the whole list.
struct LossyElement<Element: Decodable & Sendable>: Decodable, Sendable {
    enum Outcome: Sendable {
        case decoded(Element)
        case failed(id: String?, field: String, reason: String)
    }

    var outcome: Outcome

    /// The element, when it decoded.
    var value: Element? {
        if case .decoded(let element) = outcome { return element }
        return nil
    }

    private struct IdKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        do {
            outcome = .decoded(try Element(from: decoder))
        } catch let error as DecodingError {
            let id = try? decoder.container(keyedBy: IdKey.self).decode(String.self, forKey: IdKey(stringValue: "id"))
            switch XDecoding.mapped(error, operation: .listDMEvents) {
            case .decoding(_, let field, let reason): outcome = .failed(id: id, field: field, reason: reason)
            default: outcome = .failed(id: id, field: "<event>", reason: "\(error)")
            }
        }
    }

    /// The decoded elements, and the failures numbered by position.
    static func split(_ elements: [LossyElement]) -> (decoded: [Element], failed: [UndecodableEvent]) {
        var decoded: [Element] = []
        var failed: [UndecodableEvent] = []
        for (index, element) in elements.enumerated() {
            switch element.outcome {
            case .decoded(let value): decoded.append(value)
            case .failed(let id, let field, let reason): failed.append(UndecodableEvent(index: index, id: id, field: field, reason: reason))
            }
        }
        return (decoded, failed)
    }
}
