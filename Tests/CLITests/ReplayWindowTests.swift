import Foundation
import KiamoTwitterAdmin
import Testing

/// The window `webhooks replay` sends, refused before any call when X would refuse it.
@Suite struct ReplayWindowTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func relativeAndISOTimesAreReadAgainstOneNow() throws {
        let window = try ReplayWindow(from: "-1h", to: "now", now: now)
        #expect(window.from == now.addingTimeInterval(-3600) && window.to == now)
        let day = try ReplayWindow(from: "-24h", to: "-90m", now: now)
        #expect(day.from == now.addingTimeInterval(-86_400) && day.to == now.addingTimeInterval(-5400))
        let iso = try ReplayWindow(from: "2025-06-15T14:00:00Z", to: "2025-06-15T15:00:00.500+00:00", now: now)
        #expect(iso.from == Date(timeIntervalSince1970: 1_749_996_000) && iso.to == Date(timeIntervalSince1970: 1_749_999_600.5))
    }

    @Test func aWindowXRefusesIsAUsageError() {
        let tooOld = #expect(throws: AdminError.self) { try ReplayWindow(from: "-25h", to: "now", now: now) }
        #expect(tooOld?.exitCode == 2 && tooOld?.message.contains("X replays at most 24 h back") == true)
        let reversed = #expect(throws: AdminError.self) { try ReplayWindow(from: "-1h", to: "-2h", now: now) }
        #expect(reversed?.exitCode == 2 && reversed?.message.contains("is after --to") == true)
        let garbage = #expect(throws: AdminError.self) { try ReplayWindow(from: "yesterday", to: "now", now: now) }
        #expect(garbage?.message.hasPrefix("--from 'yesterday' is not a time") == true)
        #expect(throws: AdminError.self) { try ReplayWindow(from: "2025-06-15T14:00:00", to: "now", now: now) }
    }
}
