/// The users X knows, by id and by handle (handles compare case-insensitively, as on X).
struct UserDirectory: Sendable {
    private(set) var byID: [UInt64: EmulatorUser] = [:]
    private var byUsername: [String: UInt64] = [:]

    func user(_ id: UInt64) -> EmulatorUser? { byID[id] }

    func user(username: String) -> EmulatorUser? {
        byUsername[username.lowercased()].flatMap { byID[$0] }
    }

    /// Adds or replaces the user with that id; refuses a handle another user holds.
    mutating func upsert(_ user: EmulatorUser) throws(EmulatorStoreError) {
        guard let id = EmulatorUser.numericID(user.id) else { throw .invalidUserID(user.id) }
        guard EmulatorUser.isValidUsername(user.username) else { throw .invalidUsername(user.username) }
        let handle = user.username.lowercased()
        if let holder = byUsername[handle], holder != id { throw .usernameTaken(username: user.username, byID: String(holder)) }
        if let previous = byID[id] { byUsername.removeValue(forKey: previous.username.lowercased()) }
        byID[id] = user
        byUsername[handle] = id
    }

    /// Keeps only the users whose ids are in `ids`.
    mutating func keepOnly(_ ids: Set<UInt64>) {
        byID = byID.filter { ids.contains($0.key) }
        byUsername = byUsername.filter { ids.contains($0.value) }
    }

    var all: [EmulatorUser] {
        byID.sorted { $0.key < $1.key }.map(\.value)
    }
}
