import Foundation
import SharedState
import Synchronization
import TestSupport

/// A refresh function for tests: rotates like X (only the latest refresh token works), counts
/// calls, and can be told to refuse or to wait.
final class RefreshRecorder: Sendable {
    struct InvalidGrant: Error {}
    struct Unreachable: Error {}

    private struct State {
        var live: String?
        var generation = 0
        var calls = 0
        var refuseAll = false
        var failTransiently = false
    }

    private let state: Mutex<State>
    private let lifetime: TimeInterval
    private let clock: TestClock
    private let delay: Duration

    init(liveRefreshToken: String, clock: TestClock, lifetime: TimeInterval = 3600, delay: Duration = .zero) {
        state = Mutex(State(live: liveRefreshToken))
        self.lifetime = lifetime
        self.clock = clock
        self.delay = delay
    }

    var calls: Int { state.withLock { $0.calls } }
    func refuseEverything() { state.withLock { $0.refuseAll = true } }
    func failTransiently() { state.withLock { $0.failTransiently = true } }

    /// Rotates the pair outside any store, as a sibling deployment (or another process) would.
    func rotateBehindTheStoresBack() -> TokenPair {
        state.withLock { state in
            state.generation += 1
            state.live = "refresh-\(state.generation)"
            return TokenPair(accessToken: "access-\(state.generation)", refreshToken: state.live, expiresAt: clock.now().addingTimeInterval(lifetime))
        }
    }

    var refresh: SharedTokenRefresh.Refresh {
        { [self] token in
            if delay > .zero { try await Task.sleep(for: delay) }
            return try state.withLock { state in
                state.calls += 1
                if state.failTransiently { throw Unreachable() }
                guard !state.refuseAll, token.refreshToken == state.live else { throw InvalidGrant() }
                state.generation += 1
                state.live = "refresh-\(state.generation)"
                return TokenPair(
                    accessToken: "access-\(state.generation)", refreshToken: state.live,
                    expiresAt: clock.now().addingTimeInterval(lifetime)
                )
            }
        }
    }
}
