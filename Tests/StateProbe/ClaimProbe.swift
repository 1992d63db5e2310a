import Foundation
import SharedState

/// Races its siblings to claim the same send commands `cmd-0 ... cmd-(N-1)`, completing each one
/// it wins, then prints `{"owner", "claimed": [indices]}`.
enum ClaimProbe {
    static func run(_ arguments: ProbeArguments) async throws {
        let store = try await ProbeStore.open(arguments)
        let account = try arguments.string("account")
        let keys = try arguments.int("keys")
        let go = try arguments.string("go")
        let owner = OwnerID.make()
        ProbeOutput.line("ready")
        // Every probe starts together once the test creates the go file.
        while !FileManager.default.fileExists(atPath: go) {
            try await Task.sleep(for: .milliseconds(2))
        }
        var claimed: [Int] = []
        for index in 0..<keys {
            let key = "cmd-\(index)"
            let claim = try await store.claimSend(account: account, key: key, owner: owner)
            guard claim.isOwned else { continue }
            claimed.append(index)
            let result = try await store.completeSend(account: account, key: key, owner: owner, dmEventId: "dm-\(index)", conversationId: nil)
            guard case .applied = result else { throw ProbeArguments.Invalid(reason: "completing \(key) was rejected: \(result)") }
        }
        ProbeOutput.json(["owner": owner, "claimed": claimed])
    }
}
