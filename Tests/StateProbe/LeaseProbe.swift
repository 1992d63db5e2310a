import Foundation
import SharedState

/// Tries to hold a lease forever: acquires it when free (retrying every 20 ms), then renews it
/// every quarter TTL. Prints `holder OWNER` when it becomes the holder and `lost` if a renewal fails.
enum LeaseProbe {
    static func run(_ arguments: ProbeArguments) async throws {
        let store = try await ProbeStore.open(arguments)
        let account = try arguments.string("account")
        let name = try arguments.string("name")
        let ttl = Duration.milliseconds(try arguments.int("ttl-ms"))
        let owner = OwnerID.make()
        ProbeOutput.line("started \(owner)")
        while true {
            if try await store.acquireLease(account: account, name: name, owner: owner, ttl: ttl) != nil {
                ProbeOutput.line("holder \(owner)")
                while try await store.renewLease(account: account, name: name, owner: owner, ttl: ttl) != nil {
                    try await Task.sleep(for: ttl / 4)
                }
                ProbeOutput.line("lost \(owner)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
