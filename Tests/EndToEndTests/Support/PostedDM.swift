import Foundation

/// A DM a customer posted to the account through the emulator's control API.
struct PostedDM: Sendable, Hashable {
    /// The DM event id X gave it (the Kiamo message's `id`).
    let id: String
    let customer: Customer
    let text: String
    /// Its creation time in Unix milliseconds, as the emulator stores it.
    let createdAtMilliseconds: Int64
    /// The scenario's phase it was posted in.
    let round: Int

    /// What Kiamo's `createdAt` must say: integer Unix seconds.
    var createdAtSeconds: Int { Int(createdAtMilliseconds / 1000) }
}
