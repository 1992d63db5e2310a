/// A worker process of the chaos deployment: which executable, and which of its two replicas.
struct WorkerSlot: Sendable, Hashable, CustomStringConvertible {
    enum Kind: String, Sendable, CaseIterable {
        case ingest, dispatch
    }

    let kind: Kind
    /// 1 or 2.
    let replica: Int

    var description: String { "\(kind.rawValue)-\(replica)" }

    static let all: [WorkerSlot] = Kind.allCases.flatMap { kind in (1...2).map { WorkerSlot(kind: kind, replica: $0) } }
}
